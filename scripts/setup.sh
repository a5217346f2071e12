#!/usr/bin/env bash
# Install the system packages nianbao needs on Debian/Ubuntu. Idempotent: installs only what is missing.
#   scripts/setup.sh          build + runtime packages (tesseract, chi_sim, libclang for bindgen)
#   scripts/setup.sh --dev    also the tools the benchmarks, fixture scripts and the review browser test use (poppler-utils, qpdf, img2pdf, chromium)
set -euo pipefail
pkgs=(build-essential pkg-config clang libclang-dev libtesseract-dev libleptonica-dev
      tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng)
if [[ "${1:-}" == "--dev" ]]; then
  pkgs+=(poppler-utils qpdf img2pdf time chromium)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found; install the Rust toolchain (https://rustup.rs) and re-run" >&2
  exit 1
fi
echo "setup: system packages present" >&2
