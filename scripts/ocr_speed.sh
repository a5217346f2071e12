#!/usr/bin/env bash
# CPU seconds per page: nianbao's OCR producer (engine initialised once, 3 runs) vs
# `tesseract IMG - -l chi_sim` (PSM 3, whole page), both with OMP_THREAD_LIMIT=1.
#   scripts/ocr_speed.sh DOC.pdf:PAGE [...]
set -euo pipefail
BIN=${OCR_DUMP:-/work/target-ocr/release/examples/ocr_dump}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export OMP_THREAD_LIMIT=1
printf "%-45s %8s %8s %8s %6s\n" page cli_s ours_s tables_s ratio
for spec in "$@"; do
  doc=${spec%:*}; page=${spec##*:}
  pdfimages -f "$page" -l "$page" -png "$doc" "$tmp/p" && img=$(ls "$tmp"/p-*.png | head -1)
  /usr/bin/time -o "$tmp/t" -f "%U %S" tesseract "$img" - -l chi_sim >/dev/null 2>&1; cli=$(awk '{print $1+$2}' "$tmp/t")
  ours=$("$BIN" "$doc" "$page" --repeat 3 2>&1 >/dev/null | awk '/cpu per page/ {print $(NF-1)}')
  tabs=$("$BIN" "$doc" "$page" --repeat 3 --no-text 2>&1 >/dev/null | awk '/cpu per page/ {print $(NF-1)}')
  printf "%-45s %8s %8s %8s %6.2f\n" "$(basename "$doc"):$page" "$cli" "$ours" "$tabs" "$(echo "$ours / $cli" | bc -l)"
  rm -f "$tmp"/p-*
done
