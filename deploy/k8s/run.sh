#!/usr/bin/env bash
# Run the sharded conversion and the merge on the current kubectl context.
#   deploy/k8s/run.sh            (namespace from the context; set NS=... to override)
set -euo pipefail
cd "$(dirname "$0")"
ns=(); [[ -n "${NS:-}" ]] && ns=(-n "$NS")
kubectl "${ns[@]}" apply -f pvc.yaml
kubectl "${ns[@]}" delete job nianbao-shards nianbao-merge --ignore-not-found
kubectl "${ns[@]}" apply -f shards-job.yaml
kubectl "${ns[@]}" wait --for=condition=complete --timeout=24h job/nianbao-shards
kubectl "${ns[@]}" apply -f merge-job.yaml
kubectl "${ns[@]}" wait --for=condition=complete --timeout=2h job/nianbao-merge
echo "merged outputs: /data/out/merged on the nianbao-data volume"
