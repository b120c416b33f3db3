#!/usr/bin/env bash
# Installs the Debian packages QC needs, when they are missing. Idempotent and
# quiet when everything is already there.
set -euo pipefail
PKGS=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
      libomp-22-dev nlohmann-json3-dev ninja-build cmake g++
      libonnx-dev libprotobuf-dev protobuf-compiler python3-numpy
      python3-onnx libonnx-testdata libgtest-dev)
# Optional extras (benchmarks, comparisons, cross tests): pass --extras.
if [[ "${1:-}" == "--extras" ]]; then
  PKGS+=(python3-torch libdnnl-dev libbenchmark-dev qemu-user
         libc6-dev-arm64-cross libgcc-12-dev-arm64-cross)
fi
missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) != 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
