# Two chained qc.conv2d ops (the second takes the first's result as its only
# use) bit-exact against numpy. With --isa, qc-vectorize-integer-ops fuses
# such pairs: the first kernel writes the second one's packed input (padded
# NHWC activation bytes, xor 0x80 for a signed input) instead of NCHW
# planes. Cases: 16 -> 16 -> 16 channels with ReLU (resnet blocks), a signed
# intermediate with a channel tail (20 channels, masked stores) into an
# asymmetrically padded stride-2 conv, 35 channels (two vectors, masked last
# column) into a pointwise conv with dynamic batch, a 3-channel input, and a
# float_scale first conv (no kernel, so nothing to fuse).
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# RUN: rm -rf %t.g && %python %s %t.g --isa=avx512-vnni --dot-isa=generic | FileCheck %s --check-prefixes=CHECK,UKERNEL
# RUN: %if x86-avx512vnni %{ rm -rf %t.v && %python %s %t.v --isa=avx512-vnni | FileCheck %s --check-prefixes=CHECK,UKERNEL %}
# The i8mm matrix-multiply kernels (qc.mmla_u8s8, implicit GEMM on 8-channel
# groups; no conv -> conv fusion), their usmmla steps lowered portably.
# RUN: rm -rf %t.m && %python %s %t.m --isa=neon-i8mm --dot-isa=generic | FileCheck %s --check-prefixes=CHECK,MMLA
# UKERNEL: conv2d_chain: avx512-vnni kernels for 27 of 30 ops
# MMLA: conv2d_chain: neon-i8mm kernels for 27 of 30 ops
# CHECK: conv2d_chain: compared 20496 values in 15 cases, 0 differences
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import (Case, QType, activation_type, conv2d_acc, dense,  # noqa: E402
                       epilogue_attrs, output_type, requantize_acc,
                       run_seeded, storage_bounds, tensor_type)

# name, (N, C, H, W), first (F, KH, KW, strides, padding, mode, y_signed,
# clamp), second (F, KH, KW, strides, padding, mode, y_signed, clamp),
# dynamic dims
CONFIGS = [
    ("resnet_block", (2, 16, 8, 8),
     (16, 3, 3, (1, 1), (1, 1, 1, 1), "double_round", False, (0.0, None)),
     (16, 3, 3, (1, 1), (1, 1, 1, 1), "double_round", False, None), ()),
    ("signed_tail_stride2", (1, 8, 9, 7),
     (20, 3, 3, (1, 1), (1, 1, 1, 1), "single_round", True, None),
     (12, 3, 2, (2, 2), (2, 0, 1, 1), "double_round", False, (0.0, 6.0)),
     ()),
    ("two_vectors_pointwise", (3, 16, 6, 8),
     (35, 3, 3, (1, 1), (1, 1, 1, 1), "double_round", False, (0.0, None)),
     (16, 1, 1, (1, 1), (0, 0, 0, 0), "single_round", True, None), (0,)),
    ("rgb_input", (2, 3, 10, 10),
     (16, 3, 3, (2, 2), (1, 1, 1, 1), "double_round", False, (0.0, None)),
     (32, 3, 3, (1, 1), (1, 1, 1, 1), "double_round", True, None), ()),
    ("float_scale_first", (1, 16, 5, 8),
     (16, 3, 3, (1, 1), (1, 1, 1, 1), "float_scale", False, None),
     (16, 3, 3, (1, 1), (1, 1, 1, 1), "double_round", False, None), ()),
]


def conv_layer(rng, x, qx, spec):
    """Weights, bias, output type and expected storage of one conv."""
    f, kh, kw, strides, padding, mode, y_signed, clamp = spec
    c = x.shape[1]
    wt = rng.integers(-127, 128, size=(f, c, kh, kw))
    acc = conv2d_acc(x, qx.zp, wt, None, strides, padding, (1, 1), 1)
    span = int(np.percentile(np.abs(acc), 50)) + 1
    bias = rng.integers(-span, span + 1, size=f)
    acc = acc + bias.reshape(1, f, 1, 1)
    sw = rng.uniform(0.5, 1.5, size=f) * 0.01
    acc_scales = [qx.scale * float(s) for s in sw]
    reals = acc * (qx.scale * sw).reshape(1, f, 1, 1)
    qy = output_type(rng, reals, y_signed)
    clamp_min, clamp_max = clamp if clamp else (None, None)
    expected = requantize_acc(acc, acc_scales, 1, qy, mode,
                              storage_bounds(qy, clamp_min, clamp_max))
    qw = QType(8, True, [float(s) for s in sw], 0, axis=0, narrow=(-127, 127))
    qb = QType(32, True, acc_scales, 0, axis=0)
    attrs = "strides = [%d, %d] padding = [%d, %d, %d, %d] " \
            "dilations = [1, 1] groups = 1" % (strides + padding)
    attrs += epilogue_attrs(clamp_min, clamp_max, mode)
    return dict(wt=wt, bias=bias, qw=qw, qb=qb, qy=qy, attrs=attrs,
                expected=expected)


def make_case(rng, seed, index, config):
    name, shape, first, second, dynamic = config
    qx = activation_type(rng, False, 1.0)
    x = qx.random(rng, shape)
    # An input scale that puts the first layer's real outputs around +-8.
    probe = conv2d_acc(x, qx.zp, np.ones((1,) + (shape[1],) + first[1:3],
                                         np.int64), None, first[3], first[4],
                       (1, 1), 1)
    qx.scales = [8.0 / (np.percentile(np.abs(probe), 97) * 0.6 + 1e-9)]
    a = conv_layer(rng, x, qx, first)
    b = conv_layer(rng, a["expected"], a["qy"], second)

    x_type = tensor_type(shape, qx.mlir(), dynamic)
    mid_type = tensor_type(a["expected"].shape, a["qy"].mlir(), dynamic)
    y_type = tensor_type(b["expected"].shape, b["qy"].mlir(), dynamic)

    def conv_lines(layer, arg, in_type, out_type, r, p):
        wt, f = layer["wt"], layer["wt"].shape[0]
        w_type = tensor_type(wt.shape, "i8")
        qw_type = tensor_type(wt.shape, layer["qw"].mlir())
        b_type = tensor_type((f,), layer["qb"].mlir())
        return [
            "%%%sw = arith.constant %s : %s" % (p, dense(wt), w_type),
            "%%%sqw = quant.scast %%%sw : %s to %s" % (p, p, w_type, qw_type),
            "%%%sb = arith.constant %s : tensor<%dxi32>" % (
                p, dense(layer["bias"]), f),
            "%%%sqb = quant.scast %%%sb : tensor<%dxi32> to %s" % (
                p, p, f, b_type),
            "%s = qc.conv2d %s, %%%sqw, %%%sqb %s : %s, %s, %s -> %s" % (
                r, arg, p, p, layer["attrs"], in_type, qw_type, b_type,
                out_type),
        ]

    def lines(args, r, p):
        mid = "%%%smid" % p
        return (conv_lines(a, args[0], x_type, mid_type, mid, p + "a") +
                conv_lines(b, mid, mid_type, y_type, r, p + "b"))

    return Case("%s_seed%d" % (name, seed), [(x_type, x, 8)], lines, y_type,
                b["expected"], 8)


def main():
    run_seeded(CONFIGS, make_case, 9000, "conv2d_chain")


if __name__ == "__main__":
    main()
