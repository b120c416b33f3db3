// --target-cpu compiles the whole module for a smaller CPU than the host
// (its features, not the host's) and takes the int8 kernels' dot products
// from it: x86-64-v3 -> AVX2 vpmaddwd on ymm, no zmm, no vpdpbusd (with the
// host's features, LLVM would fuse vpmaddwd + add into AVX-512 vpdpwssd).
// The results equal the portable lowering's. --dot-isa picks the dot
// products alone; both refuse what this CPU cannot run.
// REQUIRES: numpy, x86-avx2
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', (np.arange(3 * 40).reshape(3, 40) * 37 % 256 - 128).astype(np.int8))"
// RUN: quant-opt %s -qc-vectorize-integer-ops -qc-lower-integer-ops -qc-lower-quant -o %t/m.mlir
// RUN: quant-runner %t/m.mlir --input %t/x.npy --output-dir %t/v3 --target-cpu x86-64-v3 --dump-object %t/v3.o
// RUN: llvm-objdump -d %t/v3.o | FileCheck %s --check-prefix=V3
// RUN: quant-runner %t/m.mlir --input %t/x.npy --output-dir %t/generic --dot-isa=generic
// RUN: cmp %t/v3/result0.npy %t/generic/result0.npy
// RUN: quant-runner %t/m.mlir --input %t/x.npy --target-cpu x86-64-v3 --json | FileCheck %s --check-prefix=JSON
// RUN: not quant-runner %t/m.mlir --input %t/x.npy --target-cpu cortex-a76 2>&1 | FileCheck %s --check-prefix=ARM
// RUN: not quant-runner %t/m.mlir --input %t/x.npy --target-cpu x86-64-v3 --dot-isa=avx512-vnni 2>&1 | FileCheck %s --check-prefix=VNNI
// RUN: not quant-runner %t/m.mlir --input %t/x.npy --dot-isa=neon-i8mm 2>&1 | FileCheck %s --check-prefix=NEON
// RUN: not quant-runner %t/m.mlir --input %t/x.npy --dot-isa=sse9 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not quant-runner %t/m.mlir --input %t/x.npy --target-cpu pentium9 2>&1 | FileCheck %s --check-prefix=CPU

// V3: vpmaddwd {{.*}}ymm
// V3-NOT: zmm
// V3-NOT: vpdp
// JSON-DAG: "dot_isa": "avx2"
// JSON-DAG: "target_cpu": "x86-64-v3"
// ARM: error: --target-cpu=cortex-a76 does not run on this CPU (missing features: all (not an x86-64 CPU on an x86-64 host))
// VNNI: error: --dot-isa=avx512-vnni does not run on --target-cpu=x86-64-v3 (its best is avx2)
// NEON: error: --dot-isa=neon-i8mm does not run on this CPU
// BAD: error: unknown --dot-isa 'sse9' (expected auto, host, avx512-vnni, avx2, neon-i8mm, neon-dotprod or generic)
// CPU: error: --target-cpu: unknown target CPU 'pentium9'

func.func @fc(%x: tensor<3x40x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<3x20x!quant.uniform<i8:f32, 64.0:-2>> {
  %w = arith.constant dense<[
    [-128, 127, -128, 127, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, 100, -100, 50, -50],
    [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127],
    [-128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128],
    [3, -5, 7, -9, 11, -13, 15, -17, 19, -21, 23, -25, 27, -29, 31, -33, 35, -37, 39, -41, 43, -45, 47, -49, 51, -53, 55, -57, 59, -61, 63, -64, 65, -66, 67, -68, 69, -70, 71, -72],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    [1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128],
    [-128, 127, -128, 127, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, 100, -100, 50, -50],
    [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127],
    [-128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128],
    [3, -5, 7, -9, 11, -13, 15, -17, 19, -21, 23, -25, 27, -29, 31, -33, 35, -37, 39, -41, 43, -45, 47, -49, 51, -53, 55, -57, 59, -61, 63, -64, 65, -66, 67, -68, 69, -70, 71, -72],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    [1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128],
    [-128, 127, -128, 127, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, 100, -100, 50, -50],
    [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127],
    [-128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128, -128],
    [3, -5, 7, -9, 11, -13, 15, -17, 19, -21, 23, -25, 27, -29, 31, -33, 35, -37, 39, -41, 43, -45, 47, -49, 51, -53, 55, -57, 59, -61, 63, -64, 65, -66, 67, -68, 69, -70, 71, -72],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    [1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128],
    [-128, 127, -128, 127, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, 100, -100, 50, -50],
    [127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127, 127]
  ]> : tensor<20x40xi8>
  %qw = quant.scast %w : tensor<20x40xi8> to tensor<20x40x!quant.uniform<i8:f32, 0.25>>
  %y = qc.fully_connected %x, %qw mode = double_round : tensor<3x40x!quant.uniform<u8:f32, 0.5:3>>, tensor<20x40x!quant.uniform<i8:f32, 0.25>> -> tensor<3x20x!quant.uniform<i8:f32, 64.0:-2>>
  return %y : tensor<3x20x!quant.uniform<i8:f32, 64.0:-2>>
}
