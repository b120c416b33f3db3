#!/usr/bin/env python3
"""Runs ONNX's per-operator node tests through quant-translate + quant-runner.

Each test folder of Debian's libonnx-testdata (data/node/test_*) holds a
model.onnx and test_data_set_0/{input,output}_N.pb. A test is selected when
every node of its model has one of the operator types the importer targets
(OPS below). For each selected test the driver

  1. bakes shape-determining inputs into initializers: QC compiles static
     shapes, so inputs that set shapes or attributes (Reshape's shape, Slice's
     starts/ends/axes/steps, Split's split, Squeeze/Unsqueeze axes, Pad's pads
     and axes, Dropout's ratio/training_mode, ...) must be known at import time;
     the values are the test's own input data,
  2. imports the model with quant-translate --import-onnx,
  3. runs it with quant-runner on the remaining inputs (.npy),
  4. compares every output with the expected one (numpy.allclose, rtol 1e-4,
     atol 1e-5 by default; integer and bool outputs compare exactly).

It prints PASS/FAIL per test (with the reason for failures), the pass rate, and
exits 1 when the pass rate is below --min-pass-rate.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

OPS = set("""Conv Gemm MatMul Add Sub Mul Div Pow Sqrt Relu LeakyRelu Clip Sigmoid
Tanh Erf Softmax LayerNormalization BatchNormalization MaxPool AveragePool
GlobalAveragePool Reshape Flatten Transpose Concat Split Slice Gather Shape
Unsqueeze Squeeze ReduceMean Pad Constant Identity Dropout""".split())

# (op type, input index) pairs whose values determine shapes or attributes.
BAKE = {
    "Reshape": [1], "Slice": [1, 2, 3, 4], "Split": [1], "Squeeze": [1],
    "Unsqueeze": [1], "Pad": [1, 3], "Expand": [1], "ConstantOfShape": [0],
    "Dropout": [1, 2], "ReduceMean": [1], "ReduceSum": [1], "Tile": [1],
}


def load_pb(path):
    t = onnx.TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def numbered(folder, prefix):
    files = glob.glob(os.path.join(folder, prefix + "_*.pb"))
    return sorted(files, key=lambda p: int(re.search(r"_(\d+)\.pb$", p).group(1)))


def first_line(text):
    for line in text.strip().splitlines():
        line = line.strip()
        if "error" in line.lower():
            return line
    lines = text.strip().splitlines()
    return lines[0].strip() if lines else "(no message)"


def compare(got, exp, rtol, atol):
    """Returns None when `got` matches `exp`, else a reason."""
    if got.shape != exp.shape:
        return f"shape {list(got.shape)}, expected {list(exp.shape)}"
    if exp.dtype == np.bool_:
        ok = np.array_equal(got.astype(np.bool_), exp)
        return None if ok else "bool values differ"
    if np.issubdtype(exp.dtype, np.integer):
        # Signless MLIR integers come back signed: reinterpret the bits.
        if got.dtype.itemsize == exp.dtype.itemsize and got.dtype != exp.dtype:
            got = got.view(exp.dtype)
        if np.array_equal(got, exp):
            return None
        return f"integer values differ (max abs diff {np.abs(got.astype(np.float64) - exp).max():g})"
    if not np.issubdtype(got.dtype, np.floating):
        return f"dtype {got.dtype}, expected {exp.dtype}"
    if np.allclose(got.astype(np.float64), exp.astype(np.float64), rtol=rtol,
                   atol=atol, equal_nan=True):
        return None
    err = np.abs(got.astype(np.float64) - exp.astype(np.float64))
    return f"max abs error {np.nanmax(err):.3g} (rtol {rtol:g}, atol {atol:g})"


def run_test(name, args):
    folder = os.path.join(args.data_dir, name)
    work = os.path.join(args.work_dir, name)
    os.makedirs(work, exist_ok=True)
    model = onnx.load(os.path.join(folder, "model.onnx"))
    data = os.path.join(folder, "test_data_set_0")
    try:
        inputs = [load_pb(p) for p in numbered(data, "input")]
        outputs = [load_pb(p) for p in numbered(data, "output")]
    except Exception as e:  # sequences, optionals: not tensors
        return False, f"test data is not a plain tensor ({e})"

    graph = model.graph
    init_names = {t.name for t in graph.initializer}
    arg_names = [i.name for i in graph.input if i.name not in init_names]
    if len(arg_names) != len(inputs):
        return False, f"{len(inputs)} input files for {len(arg_names)} graph inputs"
    bake = set()
    for node in graph.node:
        for k in BAKE.get(node.op_type, []):
            if k < len(node.input) and node.input[k]:
                bake.add(node.input[k])
    runtime = []
    for arg, value in zip(arg_names, inputs):
        if arg in bake:
            graph.initializer.append(numpy_helper.from_array(value, arg))
        else:
            runtime.append((arg, value))
    model_path = os.path.join(work, "model.onnx")
    onnx.save(model, model_path)

    mlir = os.path.join(work, "model.mlir")
    r = subprocess.run([args.quant_translate, "--import-onnx", model_path, "-o", mlir],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return False, "import: " + first_line(r.stderr).replace(model_path + ": ", "")

    cmd = [args.quant_runner, mlir, "--output-dir", os.path.join(work, "out")]
    for k, (arg, value) in enumerate(runtime):
        path = os.path.join(work, f"input_{k}.npy")
        np.save(path, np.ascontiguousarray(value) if value.ndim else value)
        cmd += ["--input", path]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return False, "run: " + first_line(r.stderr)
    for k, exp in enumerate(outputs):
        path = os.path.join(work, "out", f"result{k}.npy")
        if not os.path.exists(path):
            return False, f"no result{k}.npy"
        why = compare(np.load(path), exp, args.rtol, args.atol)
        if why:
            return False, f"output {k}: {why}"
    return True, ""


def selected_tests(data_dir, filters):
    names = []
    for name in sorted(os.listdir(data_dir)):
        path = os.path.join(data_dir, name, "model.onnx")
        if not os.path.exists(path):
            continue
        if filters and not any(re.search(f, name) for f in filters):
            continue
        model = onnx.load(path)
        ops = {n.op_type for n in model.graph.node}
        if ops and ops <= OPS:
            names.append(name)
    return names


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", default="/usr/share/libonnx-testdata/data/node")
    p.add_argument("--quant-translate", default="quant-translate")
    p.add_argument("--quant-runner", default="quant-runner")
    p.add_argument("--work-dir", required=True)
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--min-pass-rate", type=float, default=0.0)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--report", help="also write the report to this file")
    p.add_argument("filters", nargs="*", help="regexes on test names")
    args = p.parse_args()

    names = selected_tests(args.data_dir, args.filters)
    if not names:
        print("no node tests selected")
        return 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda n: run_test(n, args), names))
    lines = []
    failures = []
    for name, (ok, why) in zip(names, results):
        lines.append(f"PASS {name}" if ok else f"FAIL {name}: {why}")
        if not ok:
            failures.append(name)
    passed = len(names) - len(failures)
    rate = passed / len(names)
    lines.append(f"pass rate: {passed}/{len(names)} = {100 * rate:.1f}%")
    if rate < args.min_pass_rate:
        lines.append(f"below the required {100 * args.min_pass_rate:.1f}%")
    print("\n".join(lines))
    if args.report:
        with open(args.report, "w") as f:
            f.write("\n".join(lines) + "\n")
    return 1 if rate < args.min_pass_rate else 0


if __name__ == "__main__":
    sys.exit(main())
