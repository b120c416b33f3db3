"""Numeric checks for ONNX importer tests.

  onnx_numerics.py pb2npy IN.pb OUT.npy
      Converts an ONNX TensorProto file to .npy.
  onnx_numerics.py compare GOT.npy EXPECTED.(pb|npy) [--rtol R] [--atol A]
      Compares a result with a reference (numpy.allclose); exit 1 on mismatch.
  onnx_numerics.py top1 RUNNER.json REFERENCE.json NAME
      Checks quant-runner's top-1 (--labels --json) against reference.json's
      float_top1 exactly; exit 1 on mismatch.
"""
import argparse
import json
import sys

import numpy as np


def load_pb(path):
    import onnx
    from onnx import numpy_helper
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def load_any(path):
    return load_pb(path) if path.endswith(".pb") else np.load(path)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("pb2npy")
    a.add_argument("src")
    a.add_argument("dst")
    c = sub.add_parser("compare")
    c.add_argument("got")
    c.add_argument("expected")
    c.add_argument("--rtol", type=float, default=1e-4)
    c.add_argument("--atol", type=float, default=1e-5)
    t = sub.add_parser("top1")
    t.add_argument("runner_json")
    t.add_argument("reference_json")
    t.add_argument("name")
    args = p.parse_args()

    if args.cmd == "pb2npy":
        np.save(args.dst, load_pb(args.src))
        return 0
    if args.cmd == "compare":
        got, exp = np.load(args.got), load_any(args.expected)
        if got.shape != exp.shape:
            print(f"shape mismatch: got {got.shape}, expected {exp.shape}")
            return 1
        err = np.abs(got.astype(np.float64) - exp.astype(np.float64))
        ok = np.allclose(got, exp, rtol=args.rtol, atol=args.atol, equal_nan=True)
        print(f"{'match' if ok else 'MISMATCH'}: shape {list(got.shape)}, max abs error "
              f"{err.max():.3g}, rtol {args.rtol:g}, atol {args.atol:g}")
        return 0 if ok else 1
    if args.cmd == "top1":
        with open(args.runner_json) as f:
            run = json.load(f)
        with open(args.reference_json) as f:
            ref = json.load(f)
        acc = run["accuracy"]
        got = acc["correct"] / acc["total"]
        want = ref["float_top1"]
        same = round(got, 6) == round(want, 6) and acc["total"] == ref["n_eval"]
        print(f"{args.name}: top-1 {got:.4f} ({acc['correct']}/{acc['total']}) "
              f"{'==' if same else '!='} reference {want:.4f}")
        return 0 if same else 1
    return 2


if __name__ == "__main__":
    sys.exit(main())
