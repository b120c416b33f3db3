// RUN: quant-opt %s --qc-lower-to-llvm | FileCheck %s
// RUN: quant-opt %s --qc-lower-to-llvm | quant-opt --qc-verify-llvm-lowered | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: quant-opt %s --pass-pipeline='builtin.module(qc-lower-to-llvm{emit-c-interface=false})' | FileCheck %s --check-prefix=NOCIFACE
// RUN: quant-opt %s --pass-pipeline='builtin.module(qc-lower-to-llvm{runtime-checks=false})' | FileCheck %s --check-prefix=NOCHECKS

// Everything ends in the LLVM dialect: no op of another dialect and no
// unresolved cast is left.
// CHECK-NOT: builtin.unrealized_conversion_cast
// CHECK-NOT: {{= (linalg|tensor|memref|bufferization|arith|math|scf|cf|affine|func|quant|vector)\.}}
// CHECK-NOT: {{ (linalg|memref|func|scf|cf)\.(yield|store|return|br|cond_br) }}

// tanh and roundeven become LLVM intrinsics, erf a libm call.
// CHECK-DAG: llvm.func @erff(f32) -> f32
// CHECK-DAG: llvm.func @malloc(i64) -> !llvm.ptr
// CHECK-DAG: llvm.func @free(!llvm.ptr)
// Run-time checks of the dynamic sizes report through puts and abort.
// CHECK-DAG: llvm.func @abort()
// CHECK-DAG: llvm.func @puts(!llvm.ptr)
// CHECK-DAG: llvm.mlir.global private constant @assert_msg

// The signature as written, quantized types included, is recorded on the
// function and on its C wrapper; quantized arguments are passed as i8.
// CHECK-LABEL: llvm.func @lower(
// CHECK-SAME: qc_runner.signature = (tensor<?x4xf32>, tensor<?x4x!quant.uniform<i8:f32, 5.000000e-01:3>>) -> (tensor<?x4xf32>, tensor<?x4x!quant.uniform<i8:f32, 5.000000e-01:3>>)
// CHECK: llvm.intr.tanh
// CHECK: llvm.call @erff
// CHECK: llvm.intr.roundeven
// linalg.softmax was decomposed: its exp and max are here.
// CHECK: llvm.intr.exp
// Temporaries are freed, results are not.
// CHECK: llvm.call @free
// CHECK: llvm.return

// The C interface wrapper takes the result struct and each argument's
// descriptor by pointer.
// CHECK-LABEL: llvm.func @_mlir_ciface_lower(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-SAME: llvm.emit_c_interface

// Private functions get neither a wrapper nor a signature.
// CHECK-LABEL: llvm.func @helper(
// CHECK-NOT: qc_runner.signature
// CHECK-NOT: _mlir_ciface_helper

// ROUNDTRIP: llvm.func @_mlir_ciface_lower
// NOCHECKS-NOT: @abort
// NOCHECKS-NOT: @assert_msg
// NOCIFACE-NOT: _mlir_ciface_
// NOCIFACE: llvm.func @lower(
// NOCIFACE-SAME: qc_runner.signature

!q = !quant.uniform<i8:f32, 0.5:3>
func.func @lower(%a: tensor<?x4xf32>, %s: tensor<?x4x!q>) -> (tensor<?x4xf32>, tensor<?x4x!q>) {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %a, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%d) : tensor<?x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %t = math.tanh %x : f32
    %u = math.erf %t : f32
    %v = math.roundeven %u : f32
    linalg.yield %v : f32
  } -> tensor<?x4xf32>
  %sm = linalg.softmax dimension(1) ins(%r : tensor<?x4xf32>) outs(%e : tensor<?x4xf32>) -> tensor<?x4xf32>
  // What qc-lower-quant leaves at the boundary: a storage cast pair.
  %st = quant.scast %s : tensor<?x4x!q> to tensor<?x4xi8>
  %back = quant.scast %st : tensor<?x4xi8> to tensor<?x4x!q>
  return %sm, %back : tensor<?x4xf32>, tensor<?x4x!q>
}

func.func private @helper(%x: f32) -> f32 {
  return %x : f32
}
