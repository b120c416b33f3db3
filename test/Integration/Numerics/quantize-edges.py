# qc.quantize bit-exact against the numpy reference: ties at .5 (positive,
# negative, odd, even, with odd and even zero points), values just beyond the
# storage range, NaN, +-Inf, denormals (as inputs and as scales), -0.0, huge
# magnitudes, every storage kind (i4, u4, i8, u8, i16, i32, narrow) and every
# float type (f16, bf16, f32, f64), both rounding modes; every f16 and bf16
# bit pattern exhaustively.
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# CHECK: quantize-edges: compared {{[0-9]+}} values in {{[0-9]+}} cases, 0 differences
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import Case, QType, round_to_bf16, run_cases, main_workdir  # noqa: E402

F32 = np.float32


def ties(scale, lo=-6, hi=6):
    """Every k + 0.5 in [lo, hi), times scale (exact for powers of two)."""
    return [(k + 0.5) * scale for k in range(lo, hi)]


def specials(dtype):
    info = np.finfo(dtype)
    tiny = info.smallest_subnormal if hasattr(info, "smallest_subnormal") \
        else np.nextafter(dtype(0), dtype(1))
    return [np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, tiny, -tiny,
            tiny * 3, info.tiny, -info.tiny, info.max, -info.max,
            np.nextafter(info.max, dtype(0)), 1e30 if dtype != np.float16
            else 6e4]


def around(bound, scale):
    """Values whose quotient lands just inside/outside `bound`."""
    out = []
    for d in (-1.0, -0.5, -0.49, 0.0, 0.49, 0.5, 0.51, 1.0, 1.5, 3.0):
        out.append((bound + d) * scale)
    return out


def vec(values, dtype=F32):
    with np.errstate(over="ignore"):
        return np.array(values, dtype=np.float64).astype(dtype)


def main():
    workdir = main_workdir()
    rng = np.random.default_rng(1234)
    cases = []

    def add(name, x, qt, ftype="f32", **kw):
        cases.append(Case(name, "quantize", x, qt, ftype=ftype, **kw))

    for rounding in ("half_even", "half_away_from_zero"):
        r = rounding[:6]
        # Ties on the integer grid with zero points of both parities: the
        # rounding happens before the zero point is added.
        for zp in (0, 1, -3, 4):
            add("ties_zp%d_%s" % (zp, r), vec(ties(1.0) + ties(0.5)),
                QType(8, scales=[1.0], zps=[zp]), rounding=rounding)
        # Scale 0.25: x / s is exact; scale 0.1 (f32 0.100000001): some
        # quotients round to an exact .5 in f32 (0.25 / 0.1f == 2.5f).
        add("ties_quarter_%s" % r, vec(ties(0.25, -40, 40)),
            QType(8, scales=[0.25], zps=[-1]), rounding=rounding)
        add("tenths_%s" % r, vec([k * 0.05 for k in range(-60, 61)]),
            QType(8, scales=[0.1], zps=[2]), rounding=rounding)
        # Range edges, specials, random values for each storage kind.
        for name, qt in [
                ("i8", QType(8, scales=[0.5], zps=[3])),
                ("u8", QType(8, signed=False, scales=[0.5], zps=[128])),
                ("u8zp0", QType(8, signed=False, scales=[0.02], zps=[0])),
                ("i4", QType(4, scales=[0.25], zps=[-1])),
                ("u4", QType(4, signed=False, scales=[0.25], zps=[8])),
                ("i16", QType(16, scales=[0.001], zps=[-7])),
                ("narrow", QType(8, scales=[0.5], zps=[-2],
                                 narrow=(-127, 127))),
                ("narrow_u8", QType(8, signed=False, scales=[0.5], zps=[1],
                                    narrow=(1, 255))),
                ("i2", QType(2, scales=[1.0], zps=[0]))]:
            s, z = qt.scales[0], qt.zps[0]
            vals = (around(qt.qmin - z, s) + around(qt.qmax - z, s) +
                    specials(F32) + list(rng.normal(0, 40 * s, 200)) +
                    ties(s, -10, 10))
            add("%s_%s" % (name, r), vec(vals), qt, rounding=rounding)
        # i32 storage: f32 cannot hold every integer near 2^31.
        near = [2147483520.0, 2147483648.0, 2147483904.0, -2147483648.0,
                -2147483904.0, -2147483520.0, 1e10, -1e10, 16777217.0,
                16777216.0, 16777218.0]
        for zp in (0, 5, -5, 2147483647, -2147483648):
            add("i32_zp%d_%s" % (zp, r), vec(near + specials(F32)),
                QType(32, scales=[1.0], zps=[zp]), rounding=rounding)
        add("i32_half_%s" % r, vec([v * 0.5 for v in near] + ties(0.5)),
            QType(32, scales=[0.5], zps=[-3]), rounding=rounding)
        # Denormal inputs against a denormal scale 2^-140: exact quotients,
        # ties included.
        add("denormal_scale_%s" % r,
            vec([k * 2.0 ** -141 for k in range(-40, 41)]),
            QType(8, scales=[2.0 ** -140], zps=[0]), rounding=rounding)
        # Huge magnitudes over a tiny scale overflow to +-Inf, then saturate.
        add("huge_%s" % r, vec([1e38, -1e38, 3e38, -3e38, 1e-30, 1.0]),
            QType(16, scales=[1e-3], zps=[0]), rounding=rounding)
        # f16 input (extended to f32, divided by the f32 scale).
        add("f16_%s" % r,
            vec(ties(0.5, -20, 20) + specials(np.float16) +
                [65504.0, -65504.0, 6e-8, -6e-8, 0.30004883],
                np.float16),
            QType(8, scales=[0.1], zps=[-5]), ftype="f16", rounding=rounding)
        # bf16 input: values representable in bf16.
        add("bf16_%s" % r,
            round_to_bf16(vec(ties(0.5, -20, 20) + specials(F32)[:6] +
                              list(rng.normal(0, 20, 100)))),
            QType(8, scales=[0.25], zps=[7]), ftype="bf16", rounding=rounding)
        # f64 input computes in f64, exact window for i32 storage.
        add("f64_i32_%s" % r,
            vec(near + ties(1.0) + [1e300, -1e300, np.nan, np.inf, -np.inf,
                                    5e-324, -0.0, 2147483647.5,
                                    -2147483648.5],
                np.float64),
            QType(32, scales=[1.0], zps=[-2]), ftype="f64", rounding=rounding)
        add("f64_i8_%s" % r,
            vec(ties(0.1, -30, 30) + list(rng.normal(0, 10, 200)),
                np.float64),
            QType(8, scales=[0.1], zps=[1]), ftype="f64", rounding=rounding)
    # Exhaustive: every f16 and every bf16 bit pattern (NaNs, infinities,
    # subnormals included), quantized and fake-quantized.
    every16 = np.arange(1 << 16, dtype=np.uint32)
    all_f16 = every16.astype(np.uint16).view(np.float16)
    all_bf16 = (every16 << 16).view(np.float32)
    for rounding in ("half_even", "half_away_from_zero"):
        r = rounding[:6]
        add("all_f16_i8_%s" % r, all_f16, QType(8, scales=[0.01], zps=[3]),
            ftype="f16", rounding=rounding)
        add("all_f16_u4_%s" % r, all_f16,
            QType(4, signed=False, scales=[6e-8], zps=[8]), ftype="f16",
            rounding=rounding)
        add("all_bf16_i16_%s" % r, all_bf16,
            QType(16, scales=[1e-30], zps=[-9]), ftype="bf16",
            rounding=rounding)
        cases.append(Case("all_f16_fq_%s" % r, "fake_quant", all_f16,
                          QType(8, scales=[0.125], zps=[-2]), ftype="f16",
                          rounding=rounding))
        cases.append(Case("all_bf16_fq_%s" % r, "fake_quant", all_bf16,
                          QType(8, scales=[1e-38], zps=[0]), ftype="bf16",
                          rounding=rounding))
    run_cases(cases, workdir, "quantize-edges")


main()
