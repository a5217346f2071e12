#!/usr/bin/env bash
# Install what is missing (idempotent), then run the whole test suite (offline, in-repo fixtures only).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export OMP_THREAD_LIMIT=1
cargo test --release --locked
