# qc-lower-dot-products{isa=avx2} bit-exact against the numpy reference on
# the inputs that break a careless AVX2 lowering. vpmaddubsw adds two
# adjacent u8 x s8 products into a saturating i16: 255 * -128 * 2 = -65280
# and 255 * 127 * 2 = 64770 do not fit, 255 * -64 * 2 = -32640 does. The
# exact lowering (8-bit weights) widens to i16 and uses vpmaddwd only; the
# fast one (qc.dot_u8s8 {rhs_fits_i7}, set by qc-vectorize-integer-ops when
# every packed weight is in [-64, 63]) uses vpmaddubsw.
#
# Cases: random 7-bit weights (u8 and i8 activations), 7-bit weights at the
# bounds -64 / 63 against activation bytes 255, the worst case for the exact
# path (activation bytes 255 against full-range weights -128 and 127 in
# adjacent pairs, whole columns of them), and weights one past the 7-bit
# range (64), which must not get the attribute.
#
# A control then marks every dot product of the same kernels rhs_fits_i7 by
# hand and runs them again: with avx2 the worst-case results must now differ
# (vpmaddubsw saturates), which shows that these inputs reach the saturation
# the exact path avoids. With the portable lowering (generic), the attribute
# changes nothing.
# REQUIRES: numpy
# RUN: %if x86-avx2 %{ rm -rf %t && %python %s %t --isa=avx512-vnni --dot-isa=avx2 | FileCheck %s --check-prefixes=CHECK,AVX2 %}
# RUN: rm -rf %t.g && %python %s %t.g --isa=avx512-vnni --dot-isa=generic | FileCheck %s --check-prefixes=CHECK,GENERIC
# CHECK: dot_products: avx512-vnni kernels for 7 of 7 ops
# CHECK: dot_products: compared 1716 values in 7 cases, 0 differences
# CHECK: w7_random: rhs_fits_i7 on [[N:[1-9][0-9]*]] of [[N]] dot products
# CHECK: w7_random_i8: rhs_fits_i7 on [[N:[1-9][0-9]*]] of [[N]] dot products
# CHECK: w7_bounds: rhs_fits_i7 on [[N:[1-9][0-9]*]] of [[N]] dot products
# CHECK: full_worst_u8: rhs_fits_i7 on 0 of {{[1-9][0-9]*}} dot products
# CHECK: full_worst_i8: rhs_fits_i7 on 0 of
# CHECK: narrow_worst: rhs_fits_i7 on 0 of
# CHECK: w7_plus_one: rhs_fits_i7 on 0 of
# AVX2: forced rhs_fits_i7: w7_bounds differs in 0 of 216 values
# AVX2: forced rhs_fits_i7: full_worst_u8 differs in {{[1-9][0-9]*}} of 297 values
# AVX2: forced rhs_fits_i7: full_worst_i8 differs in {{[1-9][0-9]*}} of 256 values
# AVX2: forced rhs_fits_i7: narrow_worst differs in {{[1-9][0-9]*}} of 128 values
# GENERIC: forced rhs_fits_i7: 0 differences
import os
import re
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import (Case, QType, activation_type,  # noqa: E402
                       build_module, dense, epilogue_attrs, fully_connected_acc, main_option,
                       main_workdir, output_type, requantize_acc, run,
                       run_cases, storage_bounds, tensor_type)


def make_case(rng, name, x, qx, wt, narrow):
    """qc.fully_connected of the storage values `x` (M x K) and the i8
    weights `wt` (N x K), per-channel scales, a bias, double_round."""
    m, k = x.shape
    n = wt.shape[0]
    bias = rng.integers(-2000, 2001, size=n)
    acc = fully_connected_acc(x, qx.zp, wt, bias)
    sw = rng.uniform(0.5, 1.5, size=n) * 0.01
    p = np.percentile(np.abs(acc * sw), 97) + 1e-9
    qx.scales = [float(rng.uniform(2.0, 10.0) / p)]
    acc_scales = [qx.scale * float(s) for s in sw]
    qy = output_type(rng, acc * (qx.scale * sw), False)
    qw = QType(8, True, [float(s) for s in sw], 0, axis=0,
               narrow=(-127, 127) if narrow else None)
    mode = "double_round"
    expected = requantize_acc(acc, acc_scales, 1, qy, mode,
                              storage_bounds(qy, None, None))
    x_type = tensor_type(x.shape, qx.mlir())
    y_type = tensor_type(expected.shape, qy.mlir())
    w_store = tensor_type(wt.shape, "i8")
    w_type = tensor_type(wt.shape, qw.mlir())
    qb = QType(32, True, acc_scales, 0, axis=0)
    b_type = tensor_type((n,), qb.mlir())

    def lines(args, r, p):
        return [
            "%%%sw = arith.constant %s : %s" % (p, dense(wt), w_store),
            "%%%sqw = quant.scast %%%sw : %s to %s" % (p, p, w_store, w_type),
            "%%%sb = arith.constant %s : tensor<%dxi32>" % (p, dense(bias), n),
            "%%%sqb = quant.scast %%%sb : tensor<%dxi32> to %s" % (
                p, p, n, b_type),
            "%s = qc.fully_connected %s, %%%sqw, %%%sqb%s : %s, %s, %s -> %s" % (
                r, args[0], p, p, epilogue_attrs(None, None, mode), x_type,
                w_type, b_type, y_type)]

    return Case(name, [(x_type, x, 8)], lines, y_type, expected, 8)


def byte_max_rows(rng, qx, m, k):
    """Activations whose first rows are all the largest byte the kernel
    sees (255: u8 255, or i8 127 after the xor with 0x80), the rest random."""
    x = qx.random(rng, (m, k))
    x[: (m + 1) // 2] = qx.qmax
    return x


def weight_columns(rng, n, k, lo, hi):
    """Columns of constant lo, of constant hi, of lo/hi alternating within
    each pair of bytes, then random in [lo, hi]."""
    w = rng.integers(lo, hi + 1, size=(n, k))
    w[0::4] = lo
    w[1::4] = hi
    w[2::4, 0::2], w[2::4, 1::2] = lo, hi
    return w


def build_cases():
    rng = np.random.default_rng(4242)
    cases = []
    qu = activation_type(rng, False, 1.0)
    cases.append(make_case(rng, "w7_random", qu.random(rng, (13, 37)), qu,
                           rng.integers(-64, 64, size=(33, 37)), False))
    qs = activation_type(rng, True, 1.0)
    cases.append(make_case(rng, "w7_random_i8", qs.random(rng, (11, 40)), qs,
                           rng.integers(-64, 64, size=(20, 40)), False))
    qu = activation_type(rng, False, 1.0)
    cases.append(make_case(rng, "w7_bounds", byte_max_rows(rng, qu, 9, 64),
                           qu, weight_columns(rng, 24, 64, -64, 63), False))
    # Full-range weights: the exact path's worst case.
    qu = activation_type(rng, False, 1.0)
    cases.append(make_case(rng, "full_worst_u8", byte_max_rows(rng, qu, 9, 64),
                           qu, weight_columns(rng, 33, 64, -128, 127), False))
    qs = activation_type(rng, True, 1.0)
    cases.append(make_case(rng, "full_worst_i8", byte_max_rows(rng, qs, 8, 48),
                           qs, weight_columns(rng, 32, 48, -128, 127), False))
    qu = activation_type(rng, False, 1.0)
    cases.append(make_case(rng, "narrow_worst", byte_max_rows(rng, qu, 8, 32),
                           qu, weight_columns(rng, 16, 32, -127, 127), True))
    # One weight of 64: no longer 7-bit, so the exact path.
    w = rng.integers(-64, 64, size=(17, 36))
    w[5, 7] = 64
    qu = activation_type(rng, False, 1.0)
    cases.append(make_case(rng, "w7_plus_one", byte_max_rows(rng, qu, 10, 36),
                           qu, w, False))
    return cases


def report_attribute(cases, workdir):
    """Vectorizes each case alone and says how many of its kernel's dot
    products carry rhs_fits_i7 (all or none: one op, one weight set)."""
    for i, case in enumerate(cases):
        path = os.path.join(workdir, "alone%d.mlir" % i)
        with open(path, "w") as f:
            f.write(build_module([case]))
        out = run(["quant-opt", path, "-qc-vectorize-integer-ops=isa=" +
                   main_option("--isa")])
        dots = re.findall(r"qc\.dot_u8s8 [^\n]*", out)
        marked = sum(1 for d in dots if "rhs_fits_i7" in d)
        print("%s: rhs_fits_i7 on %d of %d dot products"
              % (case.name, marked, len(dots)))


def forced_control(cases, workdir):
    """Marks every dot product rhs_fits_i7, runs the kernels again with the
    same inputs and counts the differences per case."""
    with open(os.path.join(workdir, "vectorized.mlir")) as f:
        text = f.read()
    forced_path = os.path.join(workdir, "forced.mlir")
    with open(forced_path, "w") as f:
        f.write(re.sub(r"(qc\.dot_u8s8 %[^,\s]+, %[^,\s]+, %[^,\s]+) :",
                       r"\1 {rhs_fits_i7} :", text))
    lowered = os.path.join(workdir, "forced-lowered.mlir")
    run(["quant-opt", forced_path, "-qc-lower-integer-ops", "-qc-lower-quant",
         "-o", lowered])
    outdir = os.path.join(workdir, "forced-out")
    cmd = ["quant-runner", lowered, "--function", "main", "--output-dir",
           outdir, "--dot-isa=" + main_option("--dot-isa")]
    for i in range(len(cases)):
        cmd += ["--input", os.path.join(workdir, "in%d.npy" % i)]
    run(cmd)
    total = 0
    for i, case in enumerate(cases):
        got = np.load(os.path.join(outdir, "result%d.npy" % i))
        diff = int(np.count_nonzero((got.astype(np.int64) & 255) !=
                                    (case.expected & 255)))
        total += diff
        if diff or case.name.startswith("w7_bounds"):
            print("forced rhs_fits_i7: %s differs in %d of %d values"
                  % (case.name, diff, got.size))
    if total == 0:
        print("forced rhs_fits_i7: 0 differences")


def main():
    workdir = main_workdir()
    cases = build_cases()
    run_cases(cases, workdir, "dot_products")
    report_attribute(cases, workdir)
    forced_control(cases, workdir)


if __name__ == "__main__":
    main()
