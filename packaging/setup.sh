#!/usr/bin/env bash
# Sets up a Debian 12 machine for NeuroSeq and runs it: installs the Debian
# packages that are missing, configures and builds (incrementally), then
#   demo  runs `neuroseq demo` end to end into ./demo-output
#   test  runs the whole test suite with ctest
# A second run skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-test}
case "$mode" in demo|test|build) ;; *) echo "usage: $0 demo|test|build" >&2; exit 2 ;; esac

build_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  zlib1g-dev libdeflate-dev libisal-dev libnifti2-dev libniftiio-dev libznz-dev
  libinsighttoolkit5-dev libgdcm-tools
  libfftw3-dev libopenblas-dev
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  qt6-base-dev libqt6opengl6-dev qt6-charts-dev libvtk9-dev libgl1-mesa-dri
  mricron-data
)
# Peer tools the interop tests cross-check against.
test_packages=(python3 python3-numpy python3-scipy python3-nibabel python3-sklearn python3-torch xvfb xauth isal)

wanted=("${build_packages[@]}")
[ "$mode" = test ] && wanted+=("${test_packages[@]}")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

preset=release
jobs=$(nproc)
if [ ! -f "build/$preset/build.ninja" ]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build --preset "$preset" -j "$jobs"

case "$mode" in
  test)
    ctest --preset "$preset" -j "$jobs" --timeout 600
    ;;
  demo)
    "build/$preset/app/cli/neuroseq" demo --out demo-output
    ;;
esac
