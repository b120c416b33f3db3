# qc.conv2d bit-exact against the numpy reference, over several seeds: u8 and
# i8 activations, per-channel and per-tensor weights, i4 weights, bias,
# symmetric and asymmetric padding, strides 2, dilation 2, grouped and
# depthwise convolution, odd sizes, 1x1 kernels, fused ReLU / ReLU6 / clip,
# dynamic batch and spatial sizes, u8 and i8 results, all three requantization
# modes.
# REQUIRES: numpy
# The same cases through the microkernels of qc-vectorize-integer-ops, with
# their dot products lowered portably (any CPU) and, where the host has
# AVX-512 VNNI, to vpdpbusd; both bit-exact against the same reference.
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# RUN: rm -rf %t.g && %python %s %t.g --isa=avx512-vnni --dot-isa=generic | FileCheck %s --check-prefixes=CHECK,UKERNEL
# RUN: %if x86-avx512vnni %{ rm -rf %t.v && %python %s %t.v --isa=avx512-vnni | FileCheck %s --check-prefixes=CHECK,UKERNEL %}
# With AVX2 (qc-lower-dot-products{isa=avx2}): vpmaddwd on widened bytes for
# 8-bit weights, vpmaddubsw + vpmaddwd for the int4 ones (rhs_fits_i7).
# RUN: %if x86-avx2 %{ rm -rf %t.a && %python %s %t.a --isa=avx512-vnni --dot-isa=avx2 | FileCheck %s --check-prefixes=CHECK,UKERNEL %}
# The i8mm matrix-multiply kernels (qc.mmla_u8s8, implicit GEMM on 8-channel
# groups; no conv -> conv fusion), their usmmla steps lowered portably.
# RUN: rm -rf %t.m && %python %s %t.m --isa=neon-i8mm --dot-isa=generic | FileCheck %s --check-prefixes=CHECK,MMLA
# UKERNEL: conv2d: avx512-vnni kernels for 36 of 66 ops
# MMLA: conv2d: neon-i8mm kernels for 36 of 66 ops
# CHECK: conv2d: compared 58470 values in 66 cases, 0 differences
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import (Case, QType, activation_type, conv2d_acc, dense,  # noqa: E402
                       epilogue_attrs, output_type, requantize_acc,
                       run_seeded, signless, storage_bounds, tensor_type)

MODES = ("double_round", "single_round", "float_scale")

# name, (N, C, H, W), (F, KH, KW), strides, padding, dilations, groups,
# and options.
CONFIGS = [
    ("u8_perchannel_bias_pad1", (2, 3, 9, 7), (4, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 1, dict()),
    ("i8_pertensor_stride2_asympad", (1, 4, 10, 9), (5, 3, 3), (2, 2),
     (0, 1, 2, 1), (1, 1), 1, dict(signed=True, per_channel=False, bias=False)),
    ("u8_dilation2_relu", (2, 2, 11, 10), (3, 3, 3), (1, 1), (2, 2, 2, 2),
     (2, 2), 1, dict(clamp=(0.0, None))),
    ("depthwise_relu6", (1, 6, 8, 8), (6, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 6, dict(clamp=(0.0, 6.0))),
    ("depthwise_x2_stride2", (2, 4, 9, 9), (8, 3, 3), (2, 2), (1, 1, 1, 1),
     (1, 1), 4, dict(signed=True)),
    ("grouped3", (1, 6, 7, 6), (9, 3, 2), (1, 2), (1, 0, 1, 1), (1, 1), 3,
     dict(clamp=(-1.5, 2.5))),
    ("i4_weights", (1, 5, 8, 7), (4, 3, 3), (1, 1), (1, 1, 1, 1), (1, 1), 1,
     dict(w_bits=4)),
    ("i4_pertensor_i8_out", (2, 3, 6, 6), (3, 2, 2), (2, 1), (0, 0, 1, 1),
     (1, 1), 1, dict(w_bits=4, per_channel=False, y_signed=True)),
    ("dynamic_batch", (3, 3, 7, 7), (4, 3, 3), (2, 2), (1, 1, 1, 1), (1, 1), 1,
     dict(dynamic=(0,))),
    ("dynamic_spatial", (2, 2, 9, 8), (3, 3, 2), (2, 1), (1, 0, 1, 1),
     (2, 1), 1, dict(dynamic=(0, 2, 3), clamp=(0.0, None))),
    ("odd_sizes", (1, 5, 11, 13), (7, 5, 3), (2, 3), (2, 1, 2, 0), (1, 2), 1,
     dict(signed=True, y_signed=True)),
    ("pointwise", (2, 8, 5, 3), (6, 1, 1), (1, 1), (0, 0, 0, 0), (1, 1), 1,
     dict()),
    # Power-of-two scales: the ratios are exact powers of two, so many
    # accumulators fall on rounding ties, where the three modes differ.
    ("ties_perchannel", (2, 4, 6, 6), (6, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 1, dict(ties=True)),
    ("ties_pertensor_i8", (1, 3, 7, 5), (4, 2, 2), (1, 1), (0, 0, 0, 0),
     (1, 1), 1, dict(ties=True, signed=True, per_channel=False,
                     y_signed=True)),
    # Many channels: two 16-lane vectors per tile, the channel tail masked;
    # C not a multiple of 4; rows (output pixels) in tiles and remainder.
    ("wide_channels", (2, 21, 6, 5), (35, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 1, dict(signed=True)),
    # C % 16 == 0 and W % 8 == 0: the input is packed 16 channels x 8 pixels
    # at a time; output planes of a multiple of 8 pixels: results stored 8
    # pixels per channel.
    ("vector_pack_store", (2, 16, 5, 8), (16, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 1, dict()),
    ("vector_pack_i8_two_vectors", (1, 32, 4, 16), (32, 3, 3), (1, 1),
     (1, 1, 1, 1), (1, 1), 1, dict(signed=True, y_signed=True,
                                    dynamic=(0,))),
    # Block packing (16 channels x 8 pixels) with uneven padding: top 2
    # rows, right 3 columns, bottom 1 row, no left border.
    ("vector_pack_asym_pad", (2, 16, 6, 8), (16, 3, 3), (1, 1),
     (2, 0, 1, 3), (1, 1), 1, dict(signed=True)),
    # N = 16: tiles of 16 output pixels; 8 x 8 planes hold whole tiles,
    # stored as two transposed halves.
    ("sixteen_rows", (2, 16, 8, 8), (16, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 1, dict(clamp=(0.0, None))),
    # Block packing of rows that are not a multiple of 8 pixels: 14 = 8 + a
    # masked tail of 6, 7 = a masked tail only.
    ("vector_pack_w14", (2, 16, 5, 14), (8, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 1, dict(signed=True)),
    ("vector_pack_w7_i8", (1, 32, 7, 7), (20, 3, 3), (2, 2), (1, 0, 1, 2),
     (1, 1), 1, dict(y_signed=True, dynamic=(0,))),
    # 7 x 7 planes, 32 channels: tiles of 8 pixels inside each plane stored
    # transposed, the 49th pixel of each plane on its own (scattered).
    ("plane_tail_tiles", (3, 8, 7, 7), (32, 3, 3), (1, 1), (1, 1, 1, 1),
     (1, 1), 1, dict(clamp=(0.0, None), dynamic=(0,))),
]


def make_case(rng, seed, index, config):
    name, (n, c, h, w), (f, kh, kw), strides, padding, dilations, groups, opt \
        = config
    signed = opt.get("signed", False)
    per_channel = opt.get("per_channel", True)
    w_bits = opt.get("w_bits", 8)
    use_bias = opt.get("bias", True)
    clamp_min, clamp_max = opt.get("clamp", (None, None))
    dynamic = opt.get("dynamic", ())
    mode = MODES[(index + seed) % len(MODES)]

    qx = activation_type(rng, signed, 1.0)
    x = qx.random(rng, (n, c, h, w))
    wmax = 7 if w_bits == 4 else 127
    wt = rng.integers(-wmax, wmax + 1, size=(f, c // groups, kh, kw))
    acc = conv2d_acc(x, qx.zp, wt, None, strides, padding, dilations, groups)
    bias = None
    if use_bias:
        span = int(np.percentile(np.abs(acc), 50)) + 1
        bias = rng.integers(-span, span + 1, size=f)
        acc = acc + bias.reshape(1, f, 1, 1)

    # Scales: weights around 1 per channel, the input scale chosen so that
    # real outputs reach about +-target (ReLU6 then clips for real).
    if opt.get("ties"):
        sw = 2.0 ** -rng.integers(5, 8, size=f if per_channel else 1)
    else:
        sw = rng.uniform(0.5, 1.5, size=f if per_channel else 1) * 0.01
    sw_c = sw if per_channel else np.repeat(sw, f)
    target = rng.uniform(3.0, 12.0)
    p = np.percentile(np.abs(acc * sw_c.reshape(1, f, 1, 1)), 97) + 1e-9
    qx.scales = [float(target / p)]
    if opt.get("ties"):
        qx.scales = [2.0 ** -3]
    acc_scales = [qx.scale * float(s) for s in sw]
    reals = acc * (qx.scale * sw_c).reshape(1, f, 1, 1)
    qy = output_type(rng, reals, opt.get("y_signed", False),
                     power_of_two=opt.get("ties", False))

    narrow = (-wmax, wmax)
    if per_channel:
        qw = QType(w_bits, True, [float(s) for s in sw], 0, axis=0,
                   narrow=narrow)
    else:
        qw = QType(w_bits, True, [float(sw[0])], 0, narrow=narrow)
    bounds = storage_bounds(qy, clamp_min, clamp_max)
    expected = requantize_acc(acc, acc_scales, 1 if per_channel else None, qy,
                              mode, bounds)

    x_type = tensor_type(x.shape, qx.mlir(), dynamic)
    y_type = tensor_type(expected.shape, qy.mlir(), dynamic)
    w_shape = wt.shape

    def lines(args, r, p):
        out = [
            "%%%sw = arith.constant %s : %s" % (
                p, dense(wt), tensor_type(w_shape, signless(w_bits))),
            "%%%sqw = quant.scast %%%sw : %s to %s" % (
                p, p, tensor_type(w_shape, signless(w_bits)),
                tensor_type(w_shape, qw.mlir())),
        ]
        operands = "%s, %%%sqw" % (args[0], p)
        types = "%s, %s" % (x_type, tensor_type(w_shape, qw.mlir()))
        if bias is not None:
            if per_channel:
                qb = QType(32, True, acc_scales, 0, axis=0)
            else:
                qb = QType(32, True, acc_scales, 0)
            b_type = tensor_type((f,), qb.mlir())
            out += [
                "%%%sb = arith.constant %s : tensor<%dxi32>" % (p, dense(bias),
                                                               f),
                "%%%sqb = quant.scast %%%sb : tensor<%dxi32> to %s" % (
                    p, p, f, b_type),
            ]
            operands += ", %%%sqb" % p
            types += ", " + b_type
        attrs = "strides = [%d, %d] padding = [%d, %d, %d, %d] " \
                "dilations = [%d, %d] groups = %d" % (
                    strides + padding + dilations + (groups,))
        attrs += epilogue_attrs(clamp_min, clamp_max, mode)
        out.append("%s = qc.conv2d %s %s : %s -> %s" % (
            r, operands, attrs, types, y_type))
        return out

    return Case("%s_seed%d_%s" % (name, seed, mode), [(x_type, x, 8)], lines,
                y_type, expected, 8)


def main():
    run_seeded(CONFIGS, make_case, 1000, "conv2d")


if __name__ == "__main__":
    main()
