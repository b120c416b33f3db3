"""Inputs and comparison for qc-tile-and-vectorize-numerics.test.

  gen DIR            write the inputs of every function of
                     tile-and-vectorize-ops.mlir as DIR/<function>_<i>.npy
  compare A B N      compare A/result<i>.npy with B/result<i>.npy, i < N:
                     same shape and dtype, |a - b| <= 1e-5 * (1 + |b|)
                     (fused multiply-adds round once), exact when --exact
"""
import os
import sys

import numpy as np

INPUTS = {
    "conv_chain": [((3, 3, 12, 21), np.float32), ((3, 6, 10, 19), np.float32)],
    "conv_strided": [((2, 4, 15, 29), np.float32), ((5, 4, 3, 2), np.float32),
                     ((2, 5, 5, 13), np.float32), ((2, 5, 11, 27), np.float32)],
    "pools": [((3, 3, 12, 21), np.float32), ((3, 3, 3), np.float32)],
    "matmuls": [((4, 37), np.float32), ((37, 50), np.float32), ((50,), np.float32),
                ((6, 37), np.float32), ((3, 5, 9), np.float32), ((3, 9, 20), np.float32)],
    "f64": [((2, 2, 7, 12), np.float64), ((2, 3, 5, 10), np.float64)],
    "layout": [((3, 12, 20), np.float32), ((12,), np.float32)],
    "named": [((3, 16, 32), np.float32), ((3, 32, 16), np.float32),
              ((3, 32, 16), np.float32), ((3, 32, 16), np.float32)],
}


def gen(out):
    rng = np.random.default_rng(20261127)
    os.makedirs(out, exist_ok=True)
    for fn, specs in INPUTS.items():
        for i, (shape, dtype) in enumerate(specs):
            np.save(os.path.join(out, f"{fn}_{i}.npy"),
                    rng.standard_normal(shape).astype(dtype))


def compare(a_dir, b_dir, n, exact):
    ok = True
    for i in range(n):
        a = np.load(os.path.join(a_dir, f"result{i}.npy"))
        b = np.load(os.path.join(b_dir, f"result{i}.npy"))
        if a.shape != b.shape or a.dtype != b.dtype:
            print(f"result{i}: shape/dtype {a.shape} {a.dtype} != {b.shape} {b.dtype}")
            ok = False
            continue
        diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
        bound = 0.0 if exact else 1e-5 * (1.0 + np.abs(b.astype(np.float64)))
        bad = int(np.count_nonzero(~(diff <= bound)))
        print(f"result{i}: {list(a.shape)} max |diff| {diff.max():.3g}, {bad} outside")
        ok = ok and bad == 0 and np.isfinite(a).all()
    print(("PASS" if ok else "FAIL") + f" {n} results")
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "compare":
        sys.exit(compare(sys.argv[2], sys.argv[3], int(sys.argv[4]), "--exact" in sys.argv))
    else:
        sys.exit("usage: tile_and_vectorize.py gen DIR | compare A B N [--exact]")
