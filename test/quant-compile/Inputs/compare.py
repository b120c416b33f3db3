"""Compares float and quantized model outputs written by quant-runner.

  compare.py FLOAT.npy QUANT.npy [--sqnr-min DB] [--labels Y.npy --reference REF.json]

Prints the SQNR (dB) of the quantized outputs against the float ones, and
with labels the top-1 accuracy of both, their agreement and, against the
folder's reference.json, the accuracy bars of post-training quantization:
int8 top-1 >= float - 0.5 points, >= PyTorch int8 - 0.3 points, agreement
>= 0.98. Exits non-zero when a bar fails.
"""
import argparse, json, sys
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("float_out"); ap.add_argument("quant_out")
ap.add_argument("--sqnr-min", type=float)
ap.add_argument("--labels"); ap.add_argument("--reference")
a = ap.parse_args()
f = np.load(a.float_out).astype(np.float64)
q = np.load(a.quant_out).astype(np.float64)
if f.shape != q.shape:
    sys.exit(f"shape mismatch: float {f.shape} vs quantized {q.shape}")
sqnr = 10 * np.log10((f ** 2).sum() / max(((f - q) ** 2).sum(), 1e-30))
print(f"SQNR {sqnr:.1f} dB")
ok = True
if a.sqnr_min is not None and sqnr < a.sqnr_min:
    print(f"FAIL: SQNR {sqnr:.1f} dB < {a.sqnr_min} dB"); ok = False
if a.labels:
    y = np.load(a.labels)
    tf = float((f.argmax(-1) == y).mean()); tq = float((q.argmax(-1) == y).mean())
    agree = float((f.argmax(-1) == q.argmax(-1)).mean())
    print(f"float top-1 {tf:.4f}  int8 top-1 {tq:.4f}  agreement {agree:.4f}")
    if a.reference:
        ref = json.load(open(a.reference))
        pt = ref["pytorch_int8_onednn_top1"]
        print(f"reference: float {ref['float_top1']:.4f}  PyTorch int8 {pt:.4f}")
        if abs(tf - ref["float_top1"]) > 1e-9:
            print("FAIL: float top-1 differs from the reference"); ok = False
        if tq < tf - 0.005 - 1e-9:
            print("FAIL: int8 top-1 below float - 0.5 points"); ok = False
        if tq < pt - 0.003 - 1e-9:
            print("FAIL: int8 top-1 below PyTorch int8 - 0.3 points"); ok = False
        if agree < 0.98:
            print("FAIL: agreement below 0.98"); ok = False
print("PASS" if ok else "FAILED")
sys.exit(0 if ok else 1)
