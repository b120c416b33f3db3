# The i8mm matrix-multiply kernel of qc.fully_connected
# (qc-vectorize-integer-ops{isa=neon-i8mm}) bit-exact against the numpy
# reference on random shapes: M of every residue mod 4 (full 4-row tiles,
# leftover row pairs, the padding row of an odd M), K below, at and past
# multiples of 8 (the masked K tail), N below, at and past multiples of 16
# (masked column tiles), with the options of fully-connected.py drawn at
# random (u8/i8 activations and results, per-tensor/per-channel, i4
# weights, bias, fused clamps, dynamic batch, the three modes). The usmmla
# steps are lowered portably (any CPU); under qemu they run as usmmla
# (Microkernels/aarch64-qemu.test).
# REQUIRES: numpy
# RUN: rm -rf %t && %python %s %t --isa=neon-i8mm --dot-isa=generic | FileCheck %s
# The same cases through the reference lowering alone.
# RUN: rm -rf %t.r && %python %s %t.r | FileCheck %s --check-prefix=REF
# CHECK: fully_connected_mmla: neon-i8mm kernels for 40 of 60 ops
# CHECK: fully_connected_mmla: compared 13641 values in 60 cases, 0 differences
# REF: fully_connected_mmla: compared 13641 values in 60 cases, 0 differences
import importlib.util
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from reference import run_seeded  # noqa: E402

spec = importlib.util.spec_from_file_location(
    "fully_connected", os.path.join(here, "fully-connected.py"))
fully_connected = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fully_connected)

# Edge shapes (M, K, N), then random ones.
EDGES = [(1, 1, 1), (2, 8, 16), (3, 9, 17), (4, 16, 32), (5, 7, 15),
         (6, 24, 31), (7, 3, 2), (9, 64, 48), (1, 40, 64), (11, 17, 33)]


def configs():
    rng = np.random.default_rng(4242)
    shapes = list(EDGES)
    while len(shapes) < 20:
        shapes.append((int(rng.integers(1, 24)), int(rng.integers(1, 90)),
                       int(rng.integers(1, 50))))
    out = []
    for i, (m, k, n) in enumerate(shapes):
        opt = {}
        if rng.random() < 0.5:
            opt["signed"] = True
        if rng.random() < 0.5:
            opt["y_signed"] = True
        if rng.random() < 0.3:
            opt["per_channel"] = False
        if rng.random() < 0.25:
            opt["bias"] = False
        if rng.random() < 0.2:
            opt["w_bits"] = 4
        if rng.random() < 0.3:
            opt["clamp"] = (0.0, None)
        if rng.random() < 0.3:
            opt["dynamic"] = (0,)
        out.append(("shape%d_%dx%dx%d" % (i, m, k, n), m, k, n, opt))
    return out


def main():
    run_seeded(configs(), fully_connected.make_case, 7000,
               "fully_connected_mmla")


if __name__ == "__main__":
    main()
