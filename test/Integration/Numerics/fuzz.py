# Random qc.quantize / dequantize / fake_quant / requantize cases (storage
# i2..i32 and u2..u16, narrow ranges, per-tensor and per-axis on ranks 1-4,
# static and dynamic shapes, f16/bf16/f32/f64, both roundings, all requantize
# modes, random scales and zero points, inputs mixing ties, range edges and
# specials) through the lowering and the numpy reference: zero differences.
# Each seed is fixed, so a failure reproduces; several seeds run.
# REQUIRES: numpy
# RUN: rm -rf %t
# RUN: %python %s %t/s1 1 | FileCheck %s
# RUN: %python %s %t/s2 2 | FileCheck %s
# RUN: %python %s %t/s3 3 | FileCheck %s
# RUN: %python %s %t/s4 4 | FileCheck %s
# CHECK: fuzz seed {{[0-9]+}}: compared {{[0-9]+}} values in 40 cases, 0 differences
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import Case, QType, round_to_bf16, run_cases  # noqa: E402

NUM_CASES = 40
SPECIALS = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, 1e-39, 3e38,
            -3e38]


def random_storage(rng):
    bits = int(rng.choice([2, 4, 8, 8, 8, 16, 32]))
    signed = bits == 32 or rng.random() < 0.6
    probe = QType(bits, signed)
    narrow = None
    if bits >= 4 and rng.random() < 0.2:
        lo = probe.qmin + int(rng.integers(0, 3))
        narrow = (lo, probe.qmax - int(rng.integers(0, 3)))
    return bits, signed, narrow


def random_qtype(rng, shape, axis, log_scale=(-6.0, 1.0), storage=None):
    bits, signed, narrow = storage or random_storage(rng)
    probe = QType(bits, signed, narrow=narrow)
    k = 1 if axis is None else shape[axis]
    scales = list(np.exp(rng.uniform(*log_scale, k)))
    if rng.random() < 0.3:  # symmetric
        zps = [min(max(0, probe.qmin), probe.qmax)] * k
    else:
        zps = list(rng.integers(probe.qmin, probe.qmax + 1, k))
    return QType(bits, signed, scales, zps, axis, narrow)


def random_shape(rng):
    rank = int(rng.integers(1, 5))
    total = int(rng.integers(200, 3000))
    dims = []
    for _ in range(rank - 1):
        d = int(rng.integers(1, 9))
        dims.append(d)
        total = max(1, total // d)
    dims.append(total)
    order = rng.permutation(rank)
    return tuple(int(dims[i]) for i in order)


def random_floats(rng, shape, qt, ftype):
    span = max(qt.scales) * (qt.qmax - qt.qmin)
    n = int(np.prod(shape))
    pick = rng.integers(0, 4, n)
    normal = rng.normal(0, span / 3, n)
    wide = rng.uniform(-1.5 * span, 1.5 * span, n)
    ties = (rng.integers(-2 * (qt.qmax - qt.qmin), 2 * (qt.qmax - qt.qmin), n)
            + 0.5) * min(qt.scales)
    special = rng.choice(SPECIALS, n)
    x = np.choose(pick, [normal, wide, ties, special]).reshape(shape)
    with np.errstate(over="ignore"):
        if ftype == "f16":
            return x.astype(np.float16)
        if ftype == "bf16":
            return round_to_bf16(x.astype(np.float32))
        return x.astype(np.float64 if ftype == "f64" else np.float32)


def random_storage_values(rng, shape, qt):
    v = rng.integers(qt.qmin, qt.qmax + 1, shape)
    flat = v.reshape(-1)
    flat[: min(4, flat.size)] = [qt.qmin, qt.qmax, qt.qmin, qt.qmax][
        : min(4, flat.size)]
    return v


def random_case(rng, i):
    shape = random_shape(rng)
    rank = len(shape)
    axis = int(rng.integers(0, rank)) if rng.random() < 0.4 else None
    ftype = str(rng.choice(["f32", "f32", "f16", "bf16", "f64"]))
    dynamic = ()
    if ftype != "bf16" and rng.random() < 0.3:
        dynamic = tuple(int(d) for d in range(rank) if rng.random() < 0.6)
    op = str(rng.choice(["quantize", "dequantize", "fake_quant",
                         "requantize"]))
    rounding = str(rng.choice(["half_even", "half_away_from_zero"]))
    name = "c%d_%s" % (i, op)
    if op == "requantize":
        mode = str(rng.choice(["single_round", "double_round",
                               "float_scale"]))
        in_axis = axis if rng.random() < 0.5 else None
        out_axis = axis if (in_axis is None or rng.random() < 0.5) else None
        qin = random_qtype(rng, shape, in_axis, (-12.0, -2.0))
        qout = random_qtype(rng, shape, out_axis, (-6.0, 2.0))
        return Case(name + "_" + mode, op,
                    random_storage_values(rng, shape, qin), qin, qout=qout,
                    mode=mode, dynamic=dynamic)
    qt = random_qtype(rng, shape, axis,
                      (-6.0, 1.0) if ftype != "f16" else (-8.0, -1.0))
    if op == "dequantize":
        return Case(name, op, random_storage_values(rng, shape, qt), qt,
                    ftype=ftype, dynamic=dynamic)
    return Case(name, op, random_floats(rng, shape, qt, ftype), qt,
                ftype=ftype, rounding=rounding, dynamic=dynamic)


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: fuzz.py WORKDIR SEED")
    workdir, seed = sys.argv[1], int(sys.argv[2])
    rng = np.random.default_rng(seed)
    cases = [random_case(rng, i) for i in range(NUM_CASES)]
    run_cases(cases, workdir, "fuzz seed %d" % seed)


main()
