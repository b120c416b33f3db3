// A module lowered ahead of time with quant-opt --qc-lower-to-llvm runs as
// is (the runner reads the recorded signature); an LLVM-dialect module
// without it is rejected with a hint; an unknown external call is reported.
// REQUIRES: numpy
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/a.npy', np.array([[-1.5, 2.5], [0.5, 3.0]], np.float32)); np.save('%t/q.npy', np.array([-8, 7, 1], np.int8))"
// RUN: quant-opt %s --qc-lower-to-llvm -o %t/lowered.mlir
// RUN: quant-runner %t/lowered.mlir --function scaled --input %t/a.npy --input %t/q.npy --output-dir %t/out --json | FileCheck %s
// RUN: %python -c "import numpy as np; a, q = np.load('%t/a.npy'), np.load('%t/q.npy'); r0, r1 = np.load('%t/out/result0.npy'), np.load('%t/out/result1.npy'); assert np.array_equal(r0, np.round(a * 2)); assert r1.dtype == np.int8 and r1.tolist() == [-8, 7, 1]"
// The same run from the tensor-level module gives identical files.
// RUN: quant-runner %s --function scaled --input %t/a.npy --input %t/q.npy --output-dir %t/direct
// RUN: cmp %t/out/result0.npy %t/direct/result0.npy
// RUN: cmp %t/out/result1.npy %t/direct/result1.npy
// --dump-lowered writes what was compiled.
// RUN: quant-runner %s --function scaled --input %t/a.npy --input %t/q.npy --dump-lowered %t/dumped.mlir
// RUN: FileCheck %s --check-prefix=DUMP < %t/dumped.mlir
// DUMP: llvm.func @_mlir_ciface_scaled

// CHECK: "function": "scaled"
// CHECK: "type": "tensor<2x2xf32>"
// CHECK: "type": "tensor<3x!quant.uniform<i4:f32, 1.000000e+00>>"
// CHECK: "outputs": [
// CHECK: "dtype": "float32",
// CHECK: "dtype": "int8",
// CHECK: "type": "tensor<3x!quant.uniform<i4:f32, 1.000000e+00>>"

// RUN: not quant-runner %S/Inputs/llvm-without-signature.mlir 2>&1 | FileCheck %s --check-prefix=BARE
// BARE: error: the module is in the LLVM dialect but no function carries a 'qc_runner.signature' attribute; lower the tensor-level module with quant-opt --qc-lower-to-llvm (or let quant-runner lower it)

// RUN: not quant-runner %S/Inputs/missing-callback.mlir --input %t/q.npy 2>&1 | FileCheck %s --check-prefix=EXTERN
// EXTERN: error: the module calls 'qc_missing_callback', which it does not define and which no registered symbol, loaded library or the runner itself provides

// RUN: not quant-runner %S/Inputs/unlowerable.mlir --input %t/a.npy 2>&1 | FileCheck %s --check-prefix=UNLOWERABLE
// UNLOWERABLE: unlowerable.mlir:8:{{[0-9]+}}: error: 'complex.create' was not lowered to the LLVM dialect
// UNLOWERABLE: error: lowering the module to the LLVM dialect (qc-lower-to-llvm) failed; see the diagnostics above

func.func @scaled(%a: tensor<2x2xf32>, %q: tensor<3x!quant.uniform<i4:f32, 1.0>>)
    -> (tensor<2x2xf32>, tensor<3x!quant.uniform<i4:f32, 1.0>>) {
  %e = tensor.empty() : tensor<2x2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%x: f32, %o: f32):
    %two = arith.constant 2.0 : f32
    %m = arith.mulf %x, %two : f32
    %v = math.roundeven %m : f32
    linalg.yield %v : f32
  } -> tensor<2x2xf32>
  return %r, %q : tensor<2x2xf32>, tensor<3x!quant.uniform<i4:f32, 1.0>>
}
