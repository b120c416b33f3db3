# qc.matmul bit-exact against the numpy reference, over several seeds: rank
# 2, 3 and 4, u8 and i8 operands with zero points on both sides (mixed
# signedness too), dynamic batch dimensions, odd sizes, u8 and i8 results, all
# three requantization modes.
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# CHECK: matmul: compared 1224 values in 24 cases, 0 differences
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import (Case, activation_type, matmul_acc,  # noqa: E402
                       output_type, requantize_acc, run_seeded, tensor_type)

MODES = ("double_round", "single_round", "float_scale")

# name, batch dims, M, K, N, lhs signed, rhs signed, options
CONFIGS = [
    ("rank2_i8_i8", (), 5, 16, 7, True, True, dict()),
    ("rank2_u8_i8", (), 3, 31, 4, False, True, dict(y_signed=True)),
    ("rank3_i8_u8", (2,), 4, 8, 5, True, False, dict()),
    ("rank3_dynamic_batch", (3,), 6, 9, 2, False, False,
     dict(dynamic=(0,), y_signed=True)),
    ("rank4_attention", (2, 3), 4, 8, 4, True, True, dict()),
    ("rank4_dynamic", (2, 2), 5, 3, 6, False, True, dict(dynamic=(0, 1))),
    ("rank2_m1_k1", (), 1, 1, 9, True, False, dict()),
    # Power-of-two scales: many accumulators fall on rounding ties.
    ("rank3_ties", (2,), 6, 12, 5, False, True, dict(ties=True)),
]


def make_case(rng, seed, index, config):
    name, batch, m, k, n, sa, sb, opt = config
    dynamic = opt.get("dynamic", ())
    mode = MODES[(index + seed) % len(MODES)]
    ties = opt.get("ties", False)
    qa = activation_type(rng, sa, 2.0 ** -4 if ties else
                         float(rng.uniform(0.01, 0.1)))
    qb = activation_type(rng, sb, 2.0 ** -5 if ties else
                         float(rng.uniform(0.01, 0.1)))
    a = qa.random(rng, batch + (m, k))
    b = qb.random(rng, batch + (k, n))
    acc = matmul_acc(a, qa.zp, b, qb.zp)
    s = qa.scale * qb.scale
    qy = output_type(rng, acc * s, opt.get("y_signed", False),
                     power_of_two=ties)
    expected = requantize_acc(acc, [s], None, qy, mode)
    a_type = tensor_type(a.shape, qa.mlir(), dynamic)
    b_type = tensor_type(b.shape, qb.mlir(), dynamic)
    y_type = tensor_type(expected.shape, qy.mlir(), dynamic)

    def lines(args, r, p):
        return ["%s = qc.matmul %s, %s mode = %s : %s, %s -> %s" % (
            r, args[0], args[1], mode, a_type, b_type, y_type)]

    return Case("%s_seed%d_%s" % (name, seed, mode),
                [(a_type, a, 8), (b_type, b, 8)], lines, y_type, expected, 8)


def main():
    run_seeded(CONFIGS, make_case, 3000, "matmul")


if __name__ == "__main__":
    main()
