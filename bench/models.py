#!/usr/bin/python3
"""Latency of the shared models, float and int8: QC against PyTorch, one thread.

    (--threads N: N threads for QC, quant-runner --num-threads, and PyTorch,
    torch.set_num_threads, to report scaling.)

    bench/models.py                    all models, batch 1 and 64
    bench/models.py --quick            fewer timed runs (about a minute)
    bench/models.py --model resnet20 --batch 64
    bench/models.py --precision int8   the int8 table only
    bench/models.py --json > models.json

For each model of ../shared/data (mnist8, digits_cnn, fmnist_cnn, resnet20)
and batch size, the first rows of eval_x.npy are timed three ways:

  QC loops   quant-translate --import-onnx, quant-opt --qc-lower-to-llvm=
             vectorize=false (every linalg op as scalar loops: the float path
             before qc-tile-and-vectorize), quant-runner --benchmark
  QC         the same with the default pipeline (qc-tile-and-vectorize)
  PyTorch    ../shared/tools/onnx2torch.py, torch.set_num_threads(1),
             torch.no_grad(), the median of timed forward calls

int8 (second table): QC int8 is quant-compile (static PTQ, minmax, calibrated
on calib_x.npy; conv and fully connected layers as the int8 microkernels of
docs/Microkernels.md), lowered ahead of time like the float modules, against
QC fp32 (the float module above) and PyTorch int8: torch.ao.quantization FX
static PTQ (prepare_fx / convert_fx, the onednn qconfig and engine,
calibrated on the same calib_x.npy). "compile s" is the int8 model's compile
time through the whole pipeline: quant-compile's import and quantize stages
(its --report), quant-opt --qc-lower-to-llvm (wall time, process included)
and the JIT's LLVM code generation (quant-runner's jit_s); "calib s" is
quant-compile's calibration (running the float model on calib_x.npy), apart.

Every time is the median per batch over repeats (2 warm-up calls, then at
least --min-runs calls and --min-seconds of calls). The QC modules are
lowered ahead of time, so only the call of the JIT'd function is timed, as for
PyTorch. mnist8 has a static batch of 1 and is timed at batch 1 only.
The machines are shared: compare numbers from one run only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.abspath(os.path.join(ROOT, "..", "shared"))
MODELS = [
    # name, onnx file, static batch (None = dynamic)
    ("mnist8", "mnist-8.onnx", 1),
    ("digits_cnn", "digits_cnn.onnx", None),
    ("fmnist_cnn", "fmnist_cnn.onnx", None),
    ("resnet20", "resnet20_cifar10.onnx", None),
]


def run(cmd):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr.strip()}")
    return proc.stdout


def qc_median_ms(bindir, lowered, x_path, args):
    cmd = [os.path.join(bindir, "quant-runner"), lowered, "--input", x_path,
           "--benchmark", "--json", "--num-threads", str(args.threads)]
    if args.min_runs:
        # quant-runner times >= 10 runs and >= 1 s by default; --repeat
        # fixes the count, chosen from one probe call.
        probe = json.loads(run(cmd + ["--repeat", "1"]))["benchmark"]
        per_call = max(probe["median_ms"] / 1e3, 1e-6)
        repeats = max(args.min_runs, int(args.min_seconds / per_call) + 1)
        cmd += ["--repeat", str(min(repeats, 100000))]
    out = json.loads(run(cmd))
    return out["benchmark"]["median_ms"], out["benchmark"]["repeats"]


def qc_jit_seconds(bindir, lowered, x_path):
    """quant-runner's JIT time (LLVM optimization and code generation) of a
    lowered module, from one call."""
    out = json.loads(run([os.path.join(bindir, "quant-runner"), lowered,
                          "--input", x_path, "--json"]))
    return out["timings"]["jit_s"]


def torch_median_ms(model, x, args):
    import torch
    t = torch.from_numpy(x)
    with torch.no_grad():
        for _ in range(2):
            model(t)
        times = []
        end = time.perf_counter() + args.min_seconds
        while len(times) < max(args.min_runs, 1) or time.perf_counter() < end:
            start = time.perf_counter()
            model(t)
            times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1e3, len(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build-dir", default=os.environ.get(
        "QC_BUILD_DIR", os.path.join(ROOT, "build")))
    ap.add_argument("--model", action="append", choices=[m[0] for m in MODELS],
                    help="a model to time (repeatable; default: all)")
    ap.add_argument("--batch", action="append", type=int,
                    help="a batch size (repeatable; default: 1 and 64)")
    ap.add_argument("--quick", action="store_true",
                    help="at least 3 runs and 0.2 s per measurement")
    ap.add_argument("--no-loops", action="store_true",
                    help="skip the scalar-loop lowering (slow at batch 64)")
    ap.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    ap.add_argument("--precision", choices=["float", "int8", "both"],
                    default="both", help="which tables (default: both)")
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--threads", type=int, default=1,
                    help="threads for QC and PyTorch (default 1)")
    args = ap.parse_args()
    if args.threads < 1:
        sys.exit("bench/models.py: error: --threads must be at least 1")
    args.min_runs, args.min_seconds = (3, 0.2) if args.quick else (10, 1.0)
    batches = args.batch or [1, 64]
    models = [m for m in MODELS if not args.model or m[0] in args.model]
    bindir = os.path.join(args.build_dir, "bin")
    for tool in ("quant-translate", "quant-opt", "quant-runner",
                 "quant-compile"):
        if not os.access(os.path.join(bindir, tool), os.X_OK):
            sys.exit(f"bench/models.py: error: {bindir}/{tool} not found "
                     f"(build QC first: QC_BUILD_DIR={args.build_dir} "
                     f"utils/build.sh)")
    if not os.path.isdir(os.path.join(SHARED, "data")):
        sys.exit(f"bench/models.py: error: {SHARED}/data not found")
    torch_ok = not args.no_torch
    if torch_ok:
        try:
            import torch
            sys.path.insert(0, os.path.join(SHARED, "tools"))
            from onnx2torch import convert
            torch.set_num_threads(args.threads)
        except ImportError as e:
            print(f"bench/models.py: PyTorch unavailable ({e}); skipping it",
                  file=sys.stderr)
            torch_ok = False

    rows = []
    with tempfile.TemporaryDirectory(prefix="qc-models-") as tmp:
        for name, onnx_file, static_batch in models:
            onnx_path = os.path.join(SHARED, "data", name, onnx_file)
            imported = os.path.join(tmp, name + ".mlir")
            run([os.path.join(bindir, "quant-translate"), "--import-onnx",
                 onnx_path, "-o", imported])
            lowered = {}
            # One thread: parallel loops run sequentially, without an
            # OpenMP fork per kernel (quant-runner --num-threads 1 lowers
            # the same way).
            omp = "openmp=false" if args.threads == 1 else "openmp=true"
            lower = f"--qc-lower-to-llvm={omp}"
            variants = [("qc", lower)]
            if not args.no_loops:
                variants.insert(0, ("qc_loops",
                                    f"--qc-lower-to-llvm=vectorize=false {omp}"))
            for key, flag in variants:
                lowered[key] = os.path.join(tmp, f"{name}.{key}.mlir")
                run([os.path.join(bindir, "quant-opt"), imported, flag, "-o",
                     lowered[key]])
            torch_model = convert(onnx_path).eval() if torch_ok else None
            eval_x = np.load(os.path.join(SHARED, "data", name, "eval_x.npy"))
            int8 = args.precision in ("int8", "both")
            if int8:
                calib = os.path.join(SHARED, "data", name, "calib_x.npy")
                quantized = os.path.join(tmp, name + ".q.mlir")
                report = os.path.join(tmp, name + ".report.json")
                run([os.path.join(bindir, "quant-compile"), onnx_path,
                     "--calibration", calib, "-o", quantized,
                     "--report", report])
                lowered_q = os.path.join(tmp, name + ".q.ll.mlir")
                start = time.perf_counter()
                run([os.path.join(bindir, "quant-opt"), quantized,
                     lower, "-o", lowered_q])
                lower_s = time.perf_counter() - start
                with open(report) as f:
                    stages = json.load(f)
                # Compile time through the whole pipeline: import, quantize
                # (the microkernels included), qc-lower-to-llvm and the JIT's
                # code generation; calibration (running the float model on
                # calib_x) apart.
                compile_s = (stages["import_seconds"] +
                             stages["quantize_seconds"] + lower_s)
                calibrate_s = stages["calibrate_seconds"]
                jit_pending = True
                torch_q = (torch_int8_model(onnx_path, np.load(calib))
                           if torch_ok else None)
            for batch in batches:
                if static_batch is not None and batch != static_batch:
                    continue
                x = np.ascontiguousarray(eval_x[:batch])
                x_path = os.path.join(tmp, f"{name}_{batch}.npy")
                np.save(x_path, x)
                row = {"model": name, "batch": batch}
                for key in lowered:
                    if key == "qc_loops" and args.precision == "int8":
                        continue
                    ms, n = qc_median_ms(bindir, lowered[key], x_path, args)
                    row[key + "_ms"], row[key + "_runs"] = ms, n
                if torch_model is not None and args.precision != "int8":
                    ms, n = torch_median_ms(torch_model, x, args)
                    row["torch_ms"], row["torch_runs"] = ms, n
                if int8:
                    if jit_pending:
                        compile_s += qc_jit_seconds(bindir, lowered_q, x_path)
                        jit_pending = False
                    row["compile_s"], row["calibrate_s"] = compile_s, calibrate_s
                    ms, n = qc_median_ms(bindir, lowered_q, x_path, args)
                    row["qc_int8_ms"], row["qc_int8_runs"] = ms, n
                    if torch_q is not None:
                        ms, n = torch_median_ms(torch_q, x, args)
                        row["torch_int8_ms"], row["torch_int8_runs"] = ms, n
                rows.append(row)
                if not args.json and args.precision != "int8":
                    print_row(row, header=len(rows) == 1)
    if args.json:
        print(json.dumps({"threads": args.threads, "rows": rows}, indent=1))
    elif args.precision in ("int8", "both"):
        if args.precision == "both":
            print()
        for i, row in enumerate(rows):
            print_int8_row(row, header=i == 0)


def torch_int8_model(onnx_path, calib):
    """PyTorch's own static int8 PTQ of the model (FX, onednn)."""
    import torch
    from onnx2torch import convert
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.backends.quantized.engine = "onednn"
    model = convert(onnx_path).eval()
    example = torch.from_numpy(calib[:1])
    prepared = prepare_fx(model, get_default_qconfig_mapping("onednn"),
                          (example,))
    with torch.no_grad():
        for i in range(0, len(calib), 64):
            prepared(torch.from_numpy(calib[i:i + 64]))
    return convert_fx(prepared)


def print_int8_row(row, header):
    if header:
        print(f"{'model':<11} {'batch':>5} {'QC f32 ms':>10} {'QC i8 ms':>9} "
              f"{'PyTorch i8 ms':>14} {'i8/f32':>7} {'x PyTorch i8':>13} "
              f"{'compile s':>10} {'calib s':>8}")
    fmt = lambda v, w: f"{v:>{w}.3f}" if v is not None else f"{'-':>{w}}"
    qc8, f32, t8 = row["qc_int8_ms"], row.get("qc_ms"), row.get("torch_int8_ms")
    ratio = lambda ref, w: f"{ref / qc8:>{w - 1}.2f}x" if ref else f"{'-':>{w}}"
    print(f"{row['model']:<11} {row['batch']:>5} {fmt(f32, 10)} {fmt(qc8, 9)} "
          f"{fmt(t8, 14)} {ratio(f32, 7)} {ratio(t8, 13)} "
          f"{row['compile_s']:>10.2f} {row['calibrate_s']:>8.2f}", flush=True)


def print_row(row, header):
    if header:
        print(f"{'model':<11} {'batch':>5} {'QC loops ms':>12} {'QC ms':>9} "
              f"{'PyTorch ms':>11} {'x loops':>9} {'x PyTorch':>11} "
              f"{'QC ms/sample':>13}")
    loops = row.get("qc_loops_ms")
    torch_ms = row.get("torch_ms")
    qc = row["qc_ms"]
    fmt = lambda v, w, p=3: f"{v:>{w}.{p}f}" if v is not None else f"{'-':>{w}}"
    speed = lambda ref: f"{ref / qc:>8.1f}x" if ref is not None else f"{'-':>9}"
    print(f"{row['model']:<11} {row['batch']:>5} {fmt(loops, 12)} {fmt(qc, 9)} "
          f"{fmt(torch_ms, 11)} {speed(loops)} {speed(torch_ms):>11} "
          f"{fmt(qc / row['batch'], 13)}", flush=True)


if __name__ == "__main__":
    main()
