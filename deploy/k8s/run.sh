#!/usr/bin/env bash
# Run the sharded conversion and the merge on the current kubectl context, failing fast.
#   deploy/k8s/run.sh
#   IMAGE=registry.example.org/nianbao:0.2.0 NS=reports deploy/k8s/run.sh
# IMAGE replaces the pinned image of the manifests (a tag or a digest); NS sets the namespace.
# Exit status: 0 merged; 1 a Job failed (its pods are listed) or did not finish in time.
set -euo pipefail
cd "$(dirname "$0")"
ns=(); [[ -n "${NS:-}" ]] && ns=(-n "$NS")
SHARDS_TIMEOUT=${SHARDS_TIMEOUT:-86400}   # seconds
MERGE_TIMEOUT=${MERGE_TIMEOUT:-7200}
POLL=${POLL:-15}

apply() {
  if [[ -n "${IMAGE:-}" ]]; then
    sed "s|image: registry.example.org/nianbao:[^[:space:]]*|image: ${IMAGE}|" "$1" | kubectl "${ns[@]}" apply -f -
  else
    kubectl "${ns[@]}" apply -f "$1"
  fi
}

# Wait until job $1 completes (return 0) or fails (exit 1 at once, not after the timeout).
wait_job() {
  local job=$1 timeout=$2 start=$SECONDS conds
  while :; do
    conds=$(kubectl "${ns[@]}" get "job/$job" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
    case " $conds " in
      *" Failed "*)
        echo "run.sh: job $job failed:" >&2
        kubectl "${ns[@]}" get pods -l "job-name=$job" -o wide >&2 || true
        kubectl "${ns[@]}" logs -l "job-name=$job" --tail=20 --prefix >&2 || true
        exit 1 ;;
      *" Complete "*) return 0 ;;
    esac
    if (( SECONDS - start > timeout )); then
      echo "run.sh: job $job did not finish within $timeout s" >&2
      exit 1
    fi
    sleep "$POLL"
  done
}

apply pvc.yaml
kubectl "${ns[@]}" delete job nianbao-shards nianbao-merge --ignore-not-found
apply shards-job.yaml
wait_job nianbao-shards "$SHARDS_TIMEOUT"
apply merge-job.yaml
wait_job nianbao-merge "$MERGE_TIMEOUT"
echo "merged outputs: /data/out/merged on the nianbao-data volume"
