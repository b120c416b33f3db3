# qc.add bit-exact against the numpy reference, over several seeds: u8 and i8
# operands and results with zero points, scale ratios above and below 1,
# fused ReLU / ReLU6 / clip, dynamic and static shapes, odd sizes.
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# RUN: rm -rf %t.v && %python %s %t.v --pool-add | FileCheck %s --check-prefixes=CHECK,VEC
# VEC: add: pool/add vector code for 28 of 28 ops
# CHECK: add: compared 11456 values in 28 cases, 0 differences
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import (Case, activation_type, add_ref,  # noqa: E402
                       output_type, run_seeded, storage_bounds, tensor_type)

# name, shape, lhs signed, rhs signed, result signed, options
CONFIGS = [
    ("u8_u8_u8", (1, 16, 8, 8), False, False, False, dict()),
    ("u8_i8_u8_relu", (1, 16, 8, 8), False, True, False,
     dict(clamp=(0.0, None))),
    ("i8_i8_i8_relu6", (2, 5, 7, 3), True, True, True,
     dict(clamp=(0.0, 6.0), target=12.0)),
    ("i8_u8_i8_clip", (3, 11), True, False, True, dict(clamp=(-1.0, 2.0))),
    ("dynamic", (4, 3, 5), False, True, False, dict(dynamic=(0, 2))),
    ("rank1_odd", (257,), True, False, False, dict()),
    # sa / sy = 1/2 and sb / sy = 1/4 exactly: half of the sums are ties.
    ("ties", (16, 16), False, True, True, dict(ties=True)),
]


def make_case(rng, seed, config):
    name, shape, sa, sb, sy, opt = config
    dynamic = opt.get("dynamic", ())
    clamp_min, clamp_max = opt.get("clamp", (None, None))
    target = opt.get("target", 4.0)
    # Scales of different magnitudes, so that sa / sy and sb / sy differ.
    qa = activation_type(rng, sa, target / 128 * float(rng.uniform(0.3, 1.5)))
    qb = activation_type(rng, sb, target / 128 * float(rng.uniform(0.3, 1.5)))
    a = qa.random(rng, shape)
    b = qb.random(rng, shape)
    reals = (a - qa.zp) * qa.scale + (b - qb.zp) * qb.scale
    qy = output_type(rng, reals, sy)
    if opt.get("ties"):
        qa.scales, qb.scales, qy.scales = [2.0 ** -3], [2.0 ** -4], [2.0 ** -2]
    expected = add_ref(a, qa, b, qb, qy,
                       storage_bounds(qy, clamp_min, clamp_max))
    a_type = tensor_type(shape, qa.mlir(), dynamic)
    b_type = tensor_type(shape, qb.mlir(), dynamic)
    y_type = tensor_type(shape, qy.mlir(), dynamic)
    attrs = ""
    if clamp_min is not None:
        attrs += " clamp_min = %r" % clamp_min
    if clamp_max is not None:
        attrs += " clamp_max = %r" % clamp_max

    def lines(args, r, p):
        return ["%s = qc.add %s, %s%s : %s, %s -> %s" % (
            r, args[0], args[1], attrs, a_type, b_type, y_type)]

    return Case("%s_seed%d" % (name, seed), [(a_type, a, 8), (b_type, b, 8)],
                lines, y_type, expected, 8)


def main():
    run_seeded(CONFIGS,
               lambda rng, seed, _, config: make_case(rng, seed, config),
               4000, "add", seeds=4)


if __name__ == "__main__":
    main()
