# Depthwise qc.conv2d (one group per input channel, channel multipliers 1
# and 2) bit-exact against the numpy reference, through the reference
# lowering and through qc-vectorize-depthwise: u8 and i8 inputs and results,
# strides 1-3, dilation 2, asymmetric padding, 1x1 / 3x3 / 5x5 taps, rows
# of 1-3 vectors with masked tails, per-tensor and per-channel weights, i4
# weights, no bias, fused ReLU6, dynamic batch, rounding ties, all three
# requantization modes. float_scale, dynamic spatial sizes and the grouped
# and plain convolutions mixed in stay with the reference lowering.
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# RUN: rm -rf %t.d && %python %s %t.d --depthwise | FileCheck %s --check-prefixes=CHECK,DW
# DW: depthwise-conv2d: depthwise vector code for 20 of 39 ops
# CHECK: depthwise-conv2d: compared {{[0-9]+}} values in 39 cases, 0 differences
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from conv2d import make_case  # noqa: E402
from reference import run_seeded  # noqa: E402

# name, (N, C, H, W), (F, KH, KW), strides, padding, dilations, groups,
# and options (see conv2d.py).
CONFIGS = [
    ("dw_relu6_two_vectors", (2, 8, 9, 21), (8, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 8, dict(clamp=(0.0, 6.0))),
    ("dw_i8_stride2_three_vectors", (1, 6, 11, 37), (6, 3, 3), (2, 2),
     (1, 1, 1, 1), (1, 1), 6, dict(signed=True, y_signed=True)),
    ("dw_multiplier2", (2, 4, 9, 9), (8, 3, 3), (2, 2), (1, 1, 1, 1), (1, 1),
     4, dict(signed=True)),
    ("dw_dilation2_asym_pad", (1, 5, 12, 17), (5, 3, 3), (1, 1),
     (2, 0, 1, 3), (2, 2), 5, dict()),
    ("dw_5x5_pertensor_nobias", (1, 3, 14, 16), (3, 5, 5), (1, 1),
     (2, 2, 2, 2), (1, 1), 3, dict(per_channel=False, bias=False)),
    ("dw_dynamic_batch", (3, 4, 7, 7), (4, 3, 3), (1, 2), (1, 1, 1, 1),
     (1, 1), 4, dict(dynamic=(0,))),
    ("dw_i4_weights", (1, 6, 8, 7), (6, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1),
     6, dict(w_bits=4)),
    ("dw_1x1_stride3_wide", (1, 4, 10, 50), (4, 1, 1), (3, 3), (0, 0, 0, 0),
     (1, 1), 4, dict(y_signed=True)),
    ("dw_ties", (2, 4, 6, 6), (4, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 4,
     dict(ties=True)),
    ("dw_relu_16_wide", (1, 16, 5, 16), (16, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 16, dict(clamp=(0.0, None))),
    # Left to the reference lowering: dynamic spatial sizes, a grouped and a
    # plain convolution.
    ("dw_dynamic_spatial", (1, 4, 8, 8), (4, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 4, dict(dynamic=(0, 2, 3))),
    ("grouped2", (1, 4, 6, 6), (4, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 2,
     dict()),
    ("plain", (1, 3, 6, 6), (4, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1,
     dict()),
]


def main():
    run_seeded(CONFIGS, make_case, 3000, "depthwise-conv2d")


if __name__ == "__main__":
    main()
