# qc.requantize in all three modes bit-exact against the numpy/Python-int
# reference: i32 accumulators with extreme values, exact ties, ratios near 1,
# at least 1, tiny (shift capped at 62) and vanishing (multiplier 0), i32
# inputs with extreme zero points (the overflow-free form), every output kind
# (i4, u8, narrow, i16, i32), float_scale products that overflow f32.
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# CHECK: requantize: compared {{[0-9]+}} values in {{[0-9]+}} cases, 0 differences
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import Case, QType, run_cases, main_workdir  # noqa: E402

MODES = ("single_round", "double_round", "float_scale")
I32_EDGES = [-2 ** 31, -2 ** 31 + 1, -2 ** 30, -65537, -3, -2, -1, 0, 1, 2, 3,
             5, 7, 65537, 2 ** 24 + 1, 2 ** 30, 2 ** 31 - 2, 2 ** 31 - 1]


def every(qt):
    return np.arange(qt.qmin, qt.qmax + 1, dtype=np.int64)


def main():
    workdir = main_workdir()
    rng = np.random.default_rng(31337)
    acc = np.concatenate([I32_EDGES, rng.integers(-2 ** 31, 2 ** 31, 200),
                          rng.integers(-2 ** 12, 2 ** 12, 200)])
    cases = []

    def add(name, x, qin, qout):
        for mode in MODES:
            cases.append(Case("%s_%s" % (name, mode), "requantize", x,
                              qin(), qout=qout(), mode=mode))

    # Exact ties: ratios 1/2, 1/4, 1/8 over small odd/even accumulators,
    # where single and double rounding and half-even differ.
    small = np.arange(-64, 65)
    for denom in (2.0, 4.0, 8.0, 2.0 ** 33):
        add("ties_%g" % denom, small, lambda: QType(32, scales=[1.0]),
            lambda d=denom: QType(8, scales=[d], zps=[3]))
    # Typical int8 GEMM epilogue ratios and the accumulator extremes.
    for i, (s_in, s_out, zp) in enumerate([
            (1e-4, 0.05, -3), (2.5e-5, 0.0123, 7), (3e-3, 0.02, 0),
            (0.5, 0.25, -128), (1.0, 1.0 - 2.0 ** -40, 0),
            (1.0, 1.0 + 2.0 ** -30, 1), (3.0, 1.0, 0), (1000.0, 1.0, 0),
            (2.0 ** 28, 1.0, 0), (1e-12, 1.0, 0), (1e-25, 1.0, 5),
            (2.0 ** -31 * 0.75, 1.0, 0)]):
        add("i32_i8_%d" % i, acc, lambda s=s_in: QType(32, scales=[s]),
            lambda s=s_out, z=zp: QType(8, scales=[s], zps=[z]))
    # 32-bit input with extreme zero points: |q - zp| up to 2^32 - 1, so
    # d * M + R may exceed int64 (the lowering's split form).
    for zp_in in (-2 ** 31, 2 ** 31 - 1, 123456789):
        for s_out in (1073741824.0 / 0.95, 2.0 ** 20, 3.0):
            add("i32_zp%d_%g" % (zp_in, s_out), acc,
                lambda z=zp_in: QType(32, scales=[1.0], zps=[z]),
                lambda s=s_out: QType(32, scales=[s], zps=[-7]))
    # Output kinds, narrow and unsigned.
    outs = [("i4", lambda: QType(4, scales=[0.5], zps=[-1])),
            ("u4", lambda: QType(4, False, [0.5], [8])),
            ("u8", lambda: QType(8, False, [0.05], [128])),
            ("narrow", lambda: QType(8, scales=[0.02], zps=[0],
                                     narrow=(-127, 127))),
            ("i16", lambda: QType(16, scales=[1e-3], zps=[-100])),
            ("i32", lambda: QType(32, scales=[1e-7], zps=[1]))]
    for name, qout in outs:
        add("acc_" + name, acc, lambda: QType(32, scales=[1e-4], zps=[0]),
            qout)
    # Narrow and unsigned inputs, every storage value.
    for name, qin, qout in [
            ("u8_u8", lambda: QType(8, False, [0.05], [128]),
             lambda: QType(8, False, [0.07], [100])),
            ("i8_i8", lambda: QType(8, scales=[0.1], zps=[-5]),
             lambda: QType(8, scales=[0.3], zps=[4])),
            ("i8_u8_up", lambda: QType(8, scales=[0.3], zps=[0]),
             lambda: QType(8, False, [0.01], [128])),
            ("i4_i8", lambda: QType(4, scales=[0.5], zps=[2]),
             lambda: QType(8, scales=[0.02], zps=[-1])),
            ("u4_i16", lambda: QType(4, False, [0.5], [8]),
             lambda: QType(16, scales=[1e-4], zps=[0])),
            ("i16_i8", lambda: QType(16, scales=[1e-4], zps=[-3]),
             lambda: QType(8, scales=[0.05], zps=[0], narrow=(-127, 127))),
            ("u16_u8", lambda: QType(16, False, [1e-3], [32768]),
             lambda: QType(8, False, [0.1], [0]))]:
        add(name, every(qin()), qin, qout)
    # float_scale products that overflow f32 to +-Inf, and ratios that
    # round to an f32 subnormal or to zero.
    for s_in, s_out in [(1e30, 1.0), (1e-38, 1e6), (1e-40, 1e6)]:
        cases.append(Case("float_extreme_%g" % s_in, "requantize", acc,
                          QType(32, scales=[s_in]),
                          qout=QType(16, scales=[s_out], zps=[2]),
                          mode="float_scale"))
    run_cases(cases, workdir, "requantize")


main()
