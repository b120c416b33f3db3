# Integer max pooling (the NCHW window linalg.generic of maxui / maxsi into a
# constant linalg.fill that qc-realize emits for a quantized max pool)
# bit-exact against numpy, over several seeds: u8 and i8 storage, strides,
# dilations, non-square windows, rows longer than one vector chunk, fills
# that are and are not the identity of max, dynamic batch. Plain: the
# reference lowering (linalg loops); --pool-add: qc-vectorize-pool-add.
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t | FileCheck %s
# RUN: rm -rf %t.v && %python %s %t.v --pool-add | FileCheck %s --check-prefixes=CHECK,VEC
# VEC: max_pool2d: pool/add vector code for 27 of 27 ops
# CHECK: max_pool2d: compared 30234 values in 27 cases, 0 differences
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import Case, run_seeded  # noqa: E402

# name, (N, C, H, W), kernel, strides, dilations, signed, fill, dynamic dims
CONFIGS = [
    ("u8_k2s2_28", (2, 16, 28, 28), (2, 2), (2, 2), (1, 1), False, 0, ()),
    ("u8_k2s2_14", (3, 8, 14, 14), (2, 2), (2, 2), (1, 1), False, 0, (0,)),
    ("i8_k3s2_odd", (2, 3, 15, 17), (3, 3), (2, 2), (1, 1), True, -128, (0,)),
    # A fill above some window maxima: it shows through.
    ("i8_fill5", (1, 2, 9, 9), (3, 3), (1, 1), (1, 1), True, 5, ()),
    ("u8_fill200", (1, 2, 6, 7), (2, 2), (1, 1), (1, 1), False, 200, ()),
    ("u8_dilated", (1, 2, 12, 13), (2, 3), (1, 2), (2, 1), False, 0, ()),
    # 74 and 38 outputs per row: chunks of 32 plus a shorter one.
    ("u8_long_rows", (1, 2, 5, 150), (1, 3), (1, 2), (1, 1), False, 0, ()),
    ("i8_k3s1_w40", (2, 4, 6, 40), (3, 3), (1, 1), (1, 1), True, -128, ()),
    ("u8_k1", (1, 3, 4, 5), (1, 1), (1, 1), (1, 1), False, 0, ()),
]


def max_pool_ref(x, kernel, strides, dilations, fill):
    n, c, h, w = x.shape
    oh = (h - dilations[0] * (kernel[0] - 1) - 1) // strides[0] + 1
    ow = (w - dilations[1] * (kernel[1] - 1) - 1) // strides[1] + 1
    out = np.full((n, c, oh, ow), fill, np.int64)
    for i in range(kernel[0]):
        for j in range(kernel[1]):
            r0, c0 = i * dilations[0], j * dilations[1]
            window = x[:, :, r0:r0 + (oh - 1) * strides[0] + 1:strides[0],
                       c0:c0 + (ow - 1) * strides[1] + 1:strides[1]]
            out = np.maximum(out, window)
    return out


def make_case(rng, seed, config):
    name, shape, kernel, strides, dil, signed, fill, dynamic = config
    lo, hi = (-128, 127) if signed else (0, 255)
    x = rng.integers(lo, hi + 1, size=shape, dtype=np.int64)
    expected = max_pool_ref(x, kernel, strides, dil, fill)
    dims = lambda s: "x".join("?" if i in dynamic else str(d)
                              for i, d in enumerate(s))
    x_type = "tensor<%sxi8>" % dims(shape)
    y_type = "tensor<%sxi8>" % dims(expected.shape)
    k_type = "tensor<%dx%dxf32>" % kernel
    op = "arith.maxsi" if signed else "arith.maxui"
    fill_bits = fill - 256 if fill > 127 else fill
    maps = ("affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * %d + d4 * %d,"
            " d3 * %d + d5 * %d)>, affine_map<(d0, d1, d2, d3, d4, d5) -> "
            "(d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> "
            "(d0, d1, d2, d3)>" % (strides[0], dil[0], strides[1], dil[1]))

    def lines(args, r, p):
        out = ["%%%sfill = arith.constant %d : i8" % (p, fill_bits)]
        sizes = ""
        if 0 in dynamic:
            out += ["%%%szero = arith.constant 0 : index" % p,
                    "%%%sn = tensor.dim %s, %%%szero : %s" % (p, args[0], p,
                                                          x_type)]
            sizes = "%%%sn" % p
        out += [
            "%%%sempty = tensor.empty(%s) : %s" % (p, sizes, y_type),
            "%%%sinit = linalg.fill ins(%%%sfill : i8) outs(%%%sempty : %s)"
            " -> %s" % (p, p, p, y_type, y_type),
            "%%%swin = tensor.empty() : %s" % (p, k_type),
            "%s = linalg.generic {indexing_maps = [%s], iterator_types = "
            "[\"parallel\", \"parallel\", \"parallel\", \"parallel\", "
            "\"reduction\", \"reduction\"]} ins(%s, %%%swin : %s, %s) "
            "outs(%%%sinit : %s) {" % (r, maps, args[0], p, x_type, k_type, p,
                                      y_type),
            "^bb0(%%%sin: i8, %%%sk: f32, %%%sout: i8):" % (p, p, p),
            "  %%%smax = %s %%%sout, %%%sin : i8" % (p, op, p, p),
            "  linalg.yield %%%smax : i8" % p,
            "} -> %s" % y_type,
        ]
        return out

    return Case("%s_seed%d" % (name, seed), [(x_type, x, 8)], lines, y_type,
                expected, 8)


def main():
    run_seeded(CONFIGS,
               lambda rng, seed, _, config: make_case(rng, seed, config),
               7000, "max_pool2d")


if __name__ == "__main__":
    main()
