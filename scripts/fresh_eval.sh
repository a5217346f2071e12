#!/usr/bin/env bash
# Measure the scanned path on fresh generated sets (issue 12): for each seed, generate a `train`
# set of scans and images with ../shared/corpus-gen (unless DIR/<seed> exists), convert it, and
# score it (accuracy, wrong values without a flag, documents without template output).
# Seeds you have looked at are spent: measure on seeds nobody has seen (README "Measured").
#
# usage: scripts/fresh_eval.sh [--scanned N] [--images N] [--dir DIR] SEED [SEED ...]
set -euo pipefail
cd "$(dirname "$0")/.."
scanned=12 images=4 dir=/tmp/nianbao-fresh
while [[ $# -gt 0 ]]; do
  case $1 in
    --scanned) scanned=$2; shift 2 ;;
    --images) images=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    -h|--help) sed -n 2,7p "$0"; exit 0 ;;
    *) break ;;
  esac
done
[[ $# -gt 0 ]] || { echo "usage: scripts/fresh_eval.sh [--scanned N] [--images N] [--dir DIR] SEED..." >&2; exit 2; }
gen=../shared/corpus-gen/gen.py
[[ -f $gen ]] || { echo "needs ../shared/corpus-gen beside the repo" >&2; exit 2; }
cargo build --release --locked --quiet
truths=()
for seed in "$@"; do
  set_dir="$dir/set-$seed"
  if [[ ! -f $set_dir/manifest.json ]]; then
    python3 "$gen" --set train --seed "$seed" --out "$set_dir" --digital 0 --scanned "$scanned" --images "$images" >"$dir/gen-$seed.log" 2>&1 \
      || { echo "seed $seed: generation failed (see $dir/gen-$seed.log)" >&2; exit 1; }
  fi
  ./target/release/nianbao convert "$set_dir" --out "$dir/out-$seed" --quiet --force || true
  echo "== seed $seed"
  python3 scripts/corpus_check.py --truth "$set_dir" --out "$dir/out-$seed" --min-accuracy 0 --checks-may-differ | tail -2
  python3 - "$dir/out-$seed/reports.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
none = [r["source_file"] for r in rows if r["format"] == "unknown"]
print(f"documents without template output: {len(none)} of {len(rows)}" + (": " + ", ".join(n.rsplit("/", 1)[-1] for n in none) if none else ""))
PY
done
