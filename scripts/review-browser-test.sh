#!/usr/bin/env bash
# The review page (`nianbao review`) in a real headless browser: Debian's chromium, driven over
# the DevTools protocol by scripts/review-browser-test.py (standard library only). Not part of
# `cargo test` (it needs Chromium); run it after changing src/review.rs or src/review.html:
#   scripts/review-browser-test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
cargo build --release --quiet
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
python3 scripts/review-browser-test.py target/release/nianbao "$scratch"
