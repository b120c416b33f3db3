# qc.dequantize and qc.fake_quant bit-exact against the numpy reference:
# every storage value of i2, i4, u4, i8, u8, i16 and narrow types; i32 with
# zero points at the extremes (|q - zp| up to 2^32 - 1, rounded to f32);
# f16 outputs that overflow to Inf or land on subnormals; bf16 and f64.
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# CHECK: dequantize-edges: compared {{[0-9]+}} values in {{[0-9]+}} cases, 0 differences
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import Case, QType, round_to_bf16, run_cases, main_workdir  # noqa: E402


def every(qt):
    return np.arange(qt.qmin, qt.qmax + 1, dtype=np.int64)


def main():
    workdir = main_workdir()
    rng = np.random.default_rng(99)
    cases = []

    def deq(name, qt, ftype="f32", values=None):
        cases.append(Case(name, "dequantize",
                          every(qt) if values is None else values, qt,
                          ftype=ftype))

    deq("i2", QType(2, scales=[0.5], zps=[1]))
    deq("i4", QType(4, scales=[0.1], zps=[-3]))
    deq("u4", QType(4, signed=False, scales=[0.3], zps=[9]))
    deq("i8", QType(8, scales=[0.1], zps=[3]))
    deq("i8_zp_extreme", QType(8, scales=[1e-3], zps=[-128]))
    deq("u8", QType(8, signed=False, scales=[0.0078125], zps=[128]))
    deq("u8_odd_scale", QType(8, signed=False, scales=[0.0123456789],
                              zps=[255]))
    deq("narrow", QType(8, scales=[0.7], zps=[0], narrow=(-127, 127)))
    deq("i16", QType(16, scales=[3.0517578125e-05], zps=[-100]))
    deq("u16", QType(16, signed=False, scales=[0.001], zps=[32768]))
    extremes = np.array([-2 ** 31, -2 ** 31 + 1, -1, 0, 1, 2 ** 24 - 1,
                         2 ** 24, 2 ** 24 + 1, 2 ** 24 + 3, 2 ** 31 - 1,
                         2 ** 31 - 2, 2 ** 30 + 65], dtype=np.int64)
    rand32 = rng.integers(-2 ** 31, 2 ** 31, 300)
    for zp in (0, 2 ** 31 - 1, -2 ** 31, 12345):
        deq("i32_zp%d" % zp, QType(32, scales=[1e-4], zps=[zp]),
            values=np.concatenate([extremes, rand32]))
    # f16 result: 127 * 1000 overflows to Inf; tiny scales give subnormals.
    deq("f16_overflow", QType(8, scales=[1000.0], zps=[0]), "f16")
    deq("f16_subnormal", QType(8, scales=[1e-7], zps=[5]), "f16")
    deq("f16_u8", QType(8, signed=False, scales=[0.1], zps=[100]), "f16")
    deq("bf16", QType(8, scales=[0.1], zps=[-7]), "bf16")
    deq("bf16_i16", QType(16, scales=[1.2345e-3], zps=[17]), "bf16")
    deq("bf16_subnormal", QType(8, scales=[1e-39], zps=[0]), "bf16")
    deq("f64_i32", QType(32, scales=[1e-9], zps=[-2 ** 31]), "f64",
        values=np.concatenate([extremes, rand32]))
    deq("f64_i8", QType(8, scales=[0.1], zps=[1]), "f64")

    # fake_quant = dequantize(quantize(x)), both roundings, in one generic.
    specials = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-45, 1e38,
                -1e38]
    for rounding in ("half_even", "half_away_from_zero"):
        r = rounding[:6]
        x = np.concatenate([np.arange(-300, 301) * 0.025, specials,
                            rng.normal(0, 3, 400)]).astype(np.float32)
        for name, qt in [("i8", QType(8, scales=[0.05], zps=[3])),
                         ("u8", QType(8, signed=False, scales=[0.05],
                                      zps=[128])),
                         ("u4", QType(4, signed=False, scales=[0.5],
                                      zps=[7])),
                         ("i32", QType(32, scales=[1e-6], zps=[1000]))]:
            cases.append(Case("fq_%s_%s" % (name, r), "fake_quant", x, qt,
                              rounding=rounding))
        x16 = np.concatenate([np.arange(-100, 101) * 0.125,
                              specials[:5], [65504, -65504, 6e-8]]
                             ).astype(np.float16)
        cases.append(Case("fq_f16_%s" % r, "fake_quant", x16,
                          QType(8, scales=[0.25], zps=[-1]), ftype="f16",
                          rounding=rounding))
        cases.append(Case("fq_bf16_%s" % r, "fake_quant",
                          round_to_bf16(x), QType(8, scales=[0.05], zps=[2]),
                          ftype="bf16", rounding=rounding))
        cases.append(Case("fq_f64_%s" % r, "fake_quant",
                          x.astype(np.float64) * 1.000001,
                          QType(16, scales=[0.001], zps=[0]), ftype="f64",
                          rounding=rounding))
    run_cases(cases, workdir, "dequantize-edges")


main()
