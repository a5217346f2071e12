#!/usr/bin/env bash
# Validate the Kubernetes manifests in deploy/k8s/ against the Kubernetes API schema, offline.
# Uses PyPI's kubernetes-validate (it ships the OpenAPI schemas of every Kubernetes release:
# no cluster and no network beyond the one pip install). Idempotent: the virtualenv is made
# once under target/deploy-venv and reused.
#   scripts/validate-deploy.sh [K8S_VERSION]     (default: the newest version the package knows)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/deploy-venv
pin="kubernetes-validate==1.37.0"
if [[ ! -x $venv/bin/kubernetes-validate ]] || ! grep -qx "$pin" "$venv/.pin" 2>/dev/null; then
  if ! python3 -m venv "$venv" 2>/dev/null; then
    # Debian splits venv (with ensurepip) into its own package.
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check "$pin"
  echo "$pin" > "$venv/.pin"
fi
ver=()
[[ -n "${1:-}" ]] && ver=(--kubernetes-version "$1")
# --strict: unknown fields are errors (a misspelt securityContext key must not pass silently).
"$venv/bin/kubernetes-validate" --strict "${ver[@]}" deploy/k8s/*.yaml
# What the schema cannot say: pinned images, hardened securityContext, memory limits that cover
# the workers' --max-memory.
"$venv/bin/python" scripts/deploy-policy.py deploy/k8s/*.yaml
