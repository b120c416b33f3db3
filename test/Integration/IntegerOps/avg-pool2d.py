# qc.avg_pool2d bit-exact against the numpy reference, over several seeds:
# u8 and i8 inputs and results, global pooling, strides, padding with and
# without count_include_pad (per-position divisors from a compile-time table,
# and computed at run time when the spatial size is dynamic), odd sizes,
# dynamic batch.
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# RUN: rm -rf %t.v && %python %s %t.v --pool-add | FileCheck %s --check-prefixes=CHECK,VEC
# VEC: avg_pool2d: pool/add vector code for 18 of 39 ops
# CHECK: avg_pool2d: compared 2997 values in 39 cases, 0 differences
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import (Case, activation_type, avg_pool2d_ref,  # noqa: E402
                       output_type, run_seeded, tensor_type)

# name, (N, C, H, W), kernel, strides, padding, count_include_pad, options
CONFIGS = [
    ("global_u8", (2, 8, 7, 7), (7, 7), (1, 1), (0, 0, 0, 0), False, dict()),
    ("k3s2_pad_exclude", (1, 4, 9, 8), (3, 3), (2, 2), (1, 1, 1, 1), False,
     dict()),
    ("k3s2_pad_include", (1, 4, 9, 8), (3, 3), (2, 2), (1, 1, 1, 1), True,
     dict(signed=True)),
    ("k2s2_i8_to_u8", (2, 3, 8, 6), (2, 2), (2, 2), (0, 0, 0, 0), False,
     dict(signed=True, y_signed=False)),
    ("asym_pad_odd", (1, 5, 11, 7), (3, 2), (2, 1), (1, 0, 2, 1), False,
     dict(y_signed=True)),
    ("dynamic_spatial", (2, 3, 10, 9), (3, 3), (2, 2), (1, 1, 1, 1), False,
     dict(dynamic=(0, 2, 3))),
    ("dynamic_batch_include", (3, 2, 6, 6), (3, 3), (1, 1), (1, 1, 1, 1),
     True, dict(dynamic=(0,))),
    # sx = sy and a 2x2 window: sums / 4 fall on ties half of the time.
    ("ties_k2", (2, 4, 8, 8), (2, 2), (2, 2), (0, 0, 0, 0), False,
     dict(ties=True, signed=True)),
    # Global pools of other plane sizes (qc-vectorize-pool-add sums 16 at a
    # time: 64 = 4 x 16, 15 and 1 a masked tail only, 34 = 2 x 16 + 2).
    ("global_i8_dynamic", (3, 5, 8, 8), (8, 8), (1, 1), (0, 0, 0, 0), False,
     dict(signed=True, dynamic=(0,))),
    ("global_5x3_include", (2, 3, 5, 3), (5, 3), (2, 2), (0, 0, 0, 0), True,
     dict(y_signed=True)),
    ("global_17x2_i8_to_u8", (1, 4, 17, 2), (17, 2), (1, 1), (0, 0, 0, 0),
     False, dict(signed=True, y_signed=False)),
    ("global_1x1", (2, 3, 1, 1), (1, 1), (1, 1), (0, 0, 0, 0), False, dict()),
    ("global_ties", (2, 8, 4, 4), (4, 4), (1, 1), (0, 0, 0, 0), False,
     dict(ties=True, signed=True)),
]


def make_case(rng, seed, config):
    name, shape, kernel, strides, padding, include, opt = config
    dynamic = opt.get("dynamic", ())
    signed = opt.get("signed", False)
    qx = activation_type(rng, signed, float(rng.uniform(0.01, 0.1)))
    x = qx.random(rng, shape)
    reals = (x - qx.zp) * qx.scale
    qy = output_type(rng, reals, opt.get("y_signed", signed), spread=0.8)
    if opt.get("ties"):
        qx.scales = qy.scales = [2.0 ** -4]
    expected = avg_pool2d_ref(x, qx, qy, kernel, strides, padding, include)
    x_type = tensor_type(shape, qx.mlir(), dynamic)
    y_type = tensor_type(expected.shape, qy.mlir(), dynamic)
    attrs = "kernel = [%d, %d] strides = [%d, %d] padding = [%d, %d, %d, %d]" \
        % (kernel + strides + padding)
    if include:
        attrs += " {count_include_pad = true}"

    def lines(args, r, p):
        return ["%s = qc.avg_pool2d %s %s : %s -> %s" % (
            r, args[0], attrs, x_type, y_type)]

    return Case("%s_seed%d" % (name, seed), [(x_type, x, 8)], lines, y_type,
                expected, 8)


def main():
    run_seeded(CONFIGS,
               lambda rng, seed, _, config: make_case(rng, seed, config),
               5000, "avg_pool2d")


if __name__ == "__main__":
    main()
