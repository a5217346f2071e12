#!/usr/bin/env bash
# Fuzz the document entry point for a few minutes (not run in CI).
#   scripts/fuzz.sh [SECONDS]        default 300, seeds: every fixture PDF, inputs up to 256 KiB
#   SMALL=1 scripts/fuzz.sh [SECONDS]   only the small hand-built seeds, inputs up to 4 KiB
#                                       (hundreds of runs a second instead of a few)
# Needs the nightly toolchain and cargo-fuzz (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`).  Seeds: the PDFs under tests/fixtures.  Crashes land in
# fuzz/artifacts/convert/; reproduce one with
#   cargo +nightly fuzz run convert fuzz/artifacts/convert/<file>
# and, once fixed, copy it to tests/fixtures/fuzz/ (tests/fuzz_regressions.rs runs them all).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-300}"
corpus=fuzz/corpus/convert
max_len=262144
if [[ -n "${SMALL:-}" ]]; then
  corpus=fuzz/corpus/convert-small
  max_len=4096
  mkdir -p "$corpus"
  for f in tests/fixtures/bad/*.pdf; do
    [[ $(stat -c %s "$f") -le 4096 ]] && cp -n "$f" "$corpus"/
  done
fi
mkdir -p "$corpus"
# slow.pdf is left out: it is meant to exceed a timeout, and would be reported as a hang at once.
[[ -n "${SMALL:-}" ]] || for f in tests/fixtures/*.pdf tests/fixtures/bad/*.pdf; do
  [[ "$(basename "$f")" == slow.pdf ]] || cp -n "$f" "$corpus"/
done
[[ -d tests/fixtures/fuzz ]] && cp -n tests/fixtures/fuzz/* "$corpus"/ 2>/dev/null || true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/fuzz/target}"
# -timeout: a file that takes longer is a hang; -rss_limit_mb: a memory blow-up;
# -max_len: inputs up to 256 KiB (the seeds are about 150 KiB).
exec cargo +nightly fuzz run convert "$corpus" -- \
  -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1
