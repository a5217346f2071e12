#!/usr/bin/env bash
# Install what is missing (idempotent), build, and convert samples/ into output/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo run --release --locked -- convert samples --out output "$@"
