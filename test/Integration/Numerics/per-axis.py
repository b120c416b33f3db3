# Per-axis qc.quantize / dequantize / fake_quant / requantize bit-exact
# against the numpy reference: ranks 1 to 4 with the quantized axis in every
# position, static and dynamic dimensions (the dynamic axis is checked at run
# time), channels with equal and differing zero points, u8/i4/u4/narrow.
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# CHECK: per-axis: compared {{[0-9]+}} values in {{[0-9]+}} cases, 0 differences
import itertools
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import Case, QType, run_cases, main_workdir  # noqa: E402

SHAPES = {1: (7,), 2: (3, 5), 3: (2, 3, 4), 4: (2, 3, 2, 3)}


def main():
    workdir = main_workdir()
    rng = np.random.default_rng(4242)
    cases = []
    kinds = [(8, True, None), (8, False, None), (4, True, None),
             (4, False, None), (8, True, (-127, 127)), (16, True, None)]
    for rank, shape in SHAPES.items():
        for axis in range(rank):
            k = shape[axis]
            bits, signed, narrow = kinds[(rank + axis) % len(kinds)]
            probe = QType(bits, signed, narrow=narrow)
            scales = list(np.exp(rng.uniform(-6, 0, k)))
            zps = list(rng.integers(probe.qmin, probe.qmax + 1, k))
            if axis % 2:
                zps = [zps[0]] * k  # equal zero points: scalar in the body
            # Dynamic: none, all, and only the quantized axis.
            for dyn_name, dynamic in [("static", ()),
                                      ("dynamic", range(rank)),
                                      ("dynaxis", (axis,))]:
                tag = "r%d_a%d_%s" % (rank, axis, dyn_name)

                def qt():
                    return QType(bits, signed, scales, zps, axis, narrow)

                span = max(scales) * (probe.qmax - probe.qmin)
                x = rng.uniform(-span, span, shape).astype(np.float32)
                x.flat[0] = np.nan
                x.flat[-1] = -np.inf
                for rounding in ("half_even", "half_away_from_zero"):
                    cases.append(Case("q_%s_%s" % (tag, rounding[:6]),
                                      "quantize", x, qt(), rounding=rounding,
                                      dynamic=dynamic))
                q = rng.integers(probe.qmin, probe.qmax + 1, shape)
                cases.append(Case("dq_" + tag, "dequantize", q, qt(),
                                  dynamic=dynamic))
                cases.append(Case("fq_" + tag, "fake_quant", x, qt(),
                                  dynamic=dynamic))
                # i32 accumulators -> per-axis output, per-axis input -> u8.
                acc = rng.integers(-2 ** 20, 2 ** 20, shape)
                acc.flat[0] = 2 ** 31 - 1
                acc.flat[-1] = -2 ** 31
                for mode in ("single_round", "double_round", "float_scale"):
                    cases.append(Case(
                        "rq_out_%s_%s" % (tag, mode), "requantize", acc,
                        QType(32, scales=[1e-4]), qout=qt(), mode=mode,
                        dynamic=dynamic))
                    in_scales = list(np.exp(rng.uniform(-12, -6, k)))
                    cases.append(Case(
                        "rq_in_%s_%s" % (tag, mode), "requantize", acc,
                        QType(32, scales=in_scales, axis=axis),
                        qout=QType(8, False, [0.05], [128]), mode=mode,
                        dynamic=dynamic))
    # Both sides per-axis along the same axis.
    acc = rng.integers(-2 ** 15, 2 ** 15, (4, 6))
    for mode, dyn in itertools.product(
            ("single_round", "double_round", "float_scale"), ((), (1,))):
        cases.append(Case(
            "rq_both_%s_%d" % (mode, len(dyn)), "requantize", acc,
            QType(16, scales=list(np.exp(rng.uniform(-8, -4, 6))),
                  zps=list(rng.integers(-100, 100, 6)), axis=1),
            qout=QType(8, scales=list(np.exp(rng.uniform(-4, -1, 6))),
                       zps=list(rng.integers(-20, 20, 6)), axis=1),
            mode=mode, dynamic=dyn))
    run_cases(cases, workdir, "per-axis")


main()
