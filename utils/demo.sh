#!/usr/bin/env bash
# QC's main job on a bundled real model: import an ONNX CNN, calibrate it on
# 500 real images, quantize it to int8, compile and run both the float and
# the int8 model on the held-out images, and compare accuracy, agreement,
# weight bytes and latency.
#
#   ./utils/demo.sh [model-folder]     (default: ../shared/data/fmnist_cnn)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/utils/setup.sh"
"$root/utils/build.sh"
bin=${QC_BUILD_DIR:-$root/build}/bin
data=${1:-$root/../shared/data/fmnist_cnn}
if [[ ! -d "$data" ]]; then
  echo "demo: model folder '$data' not found (expected ../shared/data beside the checkout)" >&2
  exit 1
fi
onnx=$(ls "$data"/*.onnx | head -n1)
name=$(basename "$data")
out=$(mktemp -d "${TMPDIR:-/tmp}/qc-demo.XXXXXX")
trap 'rm -rf "$out"' EXIT
# Models with a static batch of one run sample by sample.
bs=256

echo "== $name: $(basename "$onnx")"
echo "-- import (quant-translate)"
"$bin/quant-translate" --import-onnx "$onnx" -o "$out/float.mlir"
echo "-- calibrate on $(basename "$data")/calib_x.npy and quantize (quant-compile)"
"$bin/quant-compile" "$onnx" --calibration "$data/calib_x.npy" \
  -o "$out/int8.mlir" --stats-out "$out/stats.json" --report "$out/report.json"
if grep -q "tensor<1x" <(head -c 4000 "$out/float.mlir" | grep "func.func"); then bs=1; fi
for kind in float int8; do
  echo "-- compile and run the $kind model (quant-runner)"
  "$bin/quant-runner" "$out/$kind.mlir" --input "$data/eval_x.npy" \
    --labels "$data/eval_y.npy" --batch-size "$bs" --output-dir "$out/$kind" \
    --json > "$out/$kind.json"
  "$bin/quant-runner" "$out/$kind.mlir" --input "$data/eval_x.npy" \
    --batch-size "$bs" --benchmark --json > "$out/$kind.bench.json"
done
/usr/bin/python3 - "$out" "$data" <<'PY'
import json, sys, numpy as np
out, data = sys.argv[1], sys.argv[2]
f = json.load(open(f"{out}/float.json")); q = json.load(open(f"{out}/int8.json"))
rep = json.load(open(f"{out}/report.json"))
ref = json.load(open(f"{data}/reference.json"))
lf = np.load(f"{out}/float/result0.npy"); lq = np.load(f"{out}/int8/result0.npy")
agree = float((lf.argmax(1) == lq.argmax(1)).mean())
def lat(kind):
    try:
        b = json.load(open(f"{out}/{kind}.bench.json"))["benchmark"]
        return b["median_ms"], b["median_per_sample_ms"] * 1e3
    except Exception:
        return float("nan"), float("nan")
(fl, fs), (ql, qs) = lat("float"), lat("int8")
print()
print(f"{'':28s}{'float':>12s}{'QC int8':>12s}")
print(f"{'top-1':28s}{f['accuracy']['top1']:12.4f}{q['accuracy']['top1']:12.4f}")
print(f"{'PyTorch reference top-1':28s}{ref['float_top1']:12.4f}{ref['pytorch_int8_onednn_top1']:12.4f}   (int8: onednn)")
print(f"{'top-1 agreement with float':28s}{'':12s}{agree:12.4f}")
print(f"{'weight bytes':28s}{rep['weight_bytes_float']:12d}{rep['weight_bytes_quantized']:12d}")
print(f"{'latency per batch (ms)':28s}{fl:12.2f}{ql:12.2f}")
print(f"{'latency per sample (us)':28s}{fs:12.1f}{qs:12.1f}")
print(f"{'calibration (s)':28s}{'':12s}{rep['calibrate_seconds']:12.2f}")
print("integer ops:", ", ".join(f"{k} x{v}" for k, v in sorted(rep["qc_ops"].items())))
PY
