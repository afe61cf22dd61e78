#!/usr/bin/env bash
# Runs every test on a fresh Debian machine: installs what the tests need, then unit + browser tests.
# Browsers come from Debian (chromium), never from Playwright's downloads; nibabel is the
# independent reference the NIfTI tests compare against; clang, lld and wabt rebuild the SIMD kernels.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
/usr/bin/python3 -c 'import nibabel' 2>/dev/null || need+=(python3-nibabel)
# scipy's map_coordinates is the independent reference for resampling sequences onto one grid.
/usr/bin/python3 -c 'import scipy.ndimage' 2>/dev/null || need+=(python3-scipy)
# pydicom writes the synthetic DICOM series; Debian's dcm2niix is the reference the studio's WebAssembly build is compared with.
/usr/bin/python3 -c 'import pydicom' 2>/dev/null || need+=(python3-pydicom)
command -v dcm2niix > /dev/null || need+=(dcm2niix)
# dicom3tools' dciodvfy validates the DICOM SEG the studio writes against the standard's IODs.
command -v dciodvfy > /dev/null || need+=(dicom3tools)
# clang and lld rebuild the fused SIMD kernels to check the committed bytes; wabt checks they use no shadow stack.
command -v clang > /dev/null || need+=(clang)
command -v wasm-ld > /dev/null || need+=(lld)
command -v wasm-objdump > /dev/null || need+=(wabt)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

npm ci --no-audit --no-fund
npm test
