#!/usr/bin/env bash
# The whole QC test suite: installs what is missing, builds, runs check-qc.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/utils/setup.sh"
"$root/utils/build.sh"
build=${QC_BUILD_DIR:-$root/build}
cmake --build "$build" --target check-qc
