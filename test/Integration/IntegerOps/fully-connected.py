# qc.fully_connected bit-exact against the numpy reference, over several
# seeds: u8 and i8 activations, per-channel and per-tensor weights, i4
# weights, with and without bias, fused ReLU / clip, dynamic batch, odd sizes,
# u8 and i8 results, all three requantization modes.
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
# The i8mm matrix-multiply kernel (qc.mmla_u8s8), its usmmla steps lowered
# portably here (qemu runs the usmmla form: Microkernels/aarch64-qemu.test).
# RUN: rm -rf %t.m && %python %s %t.m --isa=neon-i8mm --dot-isa=generic | FileCheck %s --check-prefixes=CHECK,MMLA
# UKERNEL: fully_connected: avx512-vnni kernels for 24 of 36 ops
# MMLA: fully_connected: neon-i8mm kernels for 24 of 36 ops
# CHECK: fully_connected: compared 8184 values in 36 cases, 0 differences
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import (Case, QType, activation_type, dense,  # noqa: E402
                       epilogue_attrs, fully_connected_acc, output_type,
                       requantize_acc, run_seeded, signless, storage_bounds,
                       tensor_type)

MODES = ("double_round", "single_round", "float_scale")

# name, M, K, N, options
CONFIGS = [
    ("u8_perchannel_bias", 4, 64, 10, dict()),
    ("i8_pertensor", 3, 33, 7, dict(signed=True, per_channel=False)),
    ("u8_relu_nobias", 5, 17, 9, dict(bias=False, clamp=(0.0, None))),
    ("i4_weights_clip", 2, 48, 6, dict(w_bits=4, clamp=(-2.0, 3.0))),
    ("dynamic_batch", 6, 40, 5, dict(dynamic=(0,), y_signed=True)),
    ("m1_wide", 1, 257, 3, dict(signed=True, y_signed=True)),
    ("k1", 7, 1, 4, dict()),
    # Power-of-two scales: many accumulators fall on rounding ties.
    ("ties", 64, 2, 8, dict(ties=True, w_bits=4)),
    ("ties_i8", 32, 3, 8, dict(ties=True, signed=True, y_signed=True)),
    # Several register tiles: row and column remainders, K not a multiple
    # of 4, two 16-lane vectors per tile.
    ("tiles_odd", 13, 37, 33, dict()),
    ("tiles_i8_dynamic", 19, 70, 48, dict(signed=True, y_signed=True,
                                          dynamic=(0,))),
    # int4 weights, two per byte in the kernels.
    ("tiles_i4", 11, 64, 40, dict(w_bits=4)),
]


def make_case(rng, seed, index, config):
    name, m, k, n, opt = config
    signed = opt.get("signed", False)
    per_channel = opt.get("per_channel", True)
    w_bits = opt.get("w_bits", 8)
    clamp_min, clamp_max = opt.get("clamp", (None, None))
    dynamic = opt.get("dynamic", ())
    mode = MODES[(index + seed) % len(MODES)]

    qx = activation_type(rng, signed, 1.0)
    x = qx.random(rng, (m, k))
    wmax = 7 if w_bits == 4 else 127
    wt = rng.integers(-wmax, wmax + 1, size=(n, k))
    acc = fully_connected_acc(x, qx.zp, wt, None)
    bias = None
    if opt.get("bias", True):
        span = int(np.percentile(np.abs(acc), 50)) + 1
        bias = rng.integers(-span, span + 1, size=n)
        acc = fully_connected_acc(x, qx.zp, wt, bias)

    ties = opt.get("ties", False)
    if ties:
        sw = 2.0 ** -rng.integers(5, 8, size=n if per_channel else 1)
    else:
        sw = rng.uniform(0.5, 1.5, size=n if per_channel else 1) * 0.01
    sw_c = sw if per_channel else np.repeat(sw, n)
    p = np.percentile(np.abs(acc * sw_c), 97) + 1e-9
    qx.scales = [2.0 ** -3 if ties else float(rng.uniform(2.0, 10.0) / p)]
    acc_scales = [qx.scale * float(s) for s in sw]
    qy = output_type(rng, acc * (qx.scale * sw_c), opt.get("y_signed", False),
                     power_of_two=ties)
    narrow = (-wmax, wmax)
    qw = QType(w_bits, True, [float(s) for s in sw], 0,
               axis=0 if per_channel else None, narrow=narrow)
    expected = requantize_acc(acc, acc_scales, 1 if per_channel else None, qy,
                              mode, storage_bounds(qy, clamp_min, clamp_max))

    x_type = tensor_type(x.shape, qx.mlir(), dynamic)
    y_type = tensor_type(expected.shape, qy.mlir(), dynamic)
    w_store = tensor_type(wt.shape, signless(w_bits))
    w_type = tensor_type(wt.shape, qw.mlir())

    def lines(args, r, p):
        out = ["%%%sw = arith.constant %s : %s" % (p, dense(wt), w_store),
               "%%%sqw = quant.scast %%%sw : %s to %s" % (p, p, w_store,
                                                          w_type)]
        operands, types = "%s, %%%sqw" % (args[0], p), "%s, %s" % (x_type,
                                                                  w_type)
        if bias is not None:
            qb = QType(32, True, acc_scales, 0,
                       axis=0 if per_channel else None)
            b_type = tensor_type((n,), qb.mlir())
            out += ["%%%sb = arith.constant %s : tensor<%dxi32>" % (
                        p, dense(bias), n),
                    "%%%sqb = quant.scast %%%sb : tensor<%dxi32> to %s" % (
                        p, p, n, b_type)]
            operands += ", %%%sqb" % p
            types += ", " + b_type
        attrs = epilogue_attrs(clamp_min, clamp_max, mode)
        out.append("%s = qc.fully_connected %s%s : %s -> %s" % (
            r, operands, attrs, types, y_type))
        return out

    return Case("%s_seed%d_%s" % (name, seed, mode), [(x_type, x, 8)], lines,
                y_type, expected, 8)


def main():
    run_seeded(CONFIGS, make_case, 2000, "fully_connected")


if __name__ == "__main__":
    main()
