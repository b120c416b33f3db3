// RUN: quant-opt %s -split-input-file -verify-diagnostics -qc-dynamic-quantize
// RUN: not quant-opt %s -qc-dynamic-quantize=min-elements=-1 2>&1 | FileCheck %s --check-prefix=NEG
// NEG: qc-dynamic-quantize: min-elements must be non-negative, got -1

// Matmuls with a constant weight that cannot be quantized stay float and
// say why.
func.func @f16(%x: tensor<2x3xf16>) -> tensor<2x2xf16> {
  %zero = arith.constant 0.0 : f16
  %w = arith.constant dense<1.0> : tensor<3x2xf16>
  %e = tensor.empty() : tensor<2x2xf16>
  %f = linalg.fill ins(%zero : f16) outs(%e : tensor<2x2xf16>) -> tensor<2x2xf16>
  // expected-remark @+1 {{left float by qc-dynamic-quantize: element types 'f16' x 'f16' -> 'f16' (only f32 matmuls are quantized)}}
  %m = linalg.matmul ins(%x, %w : tensor<2x3xf16>, tensor<3x2xf16>) outs(%f : tensor<2x2xf16>) -> tensor<2x2xf16>
  return %m : tensor<2x2xf16>
}

// -----

func.func @transposed(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<2x3xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{left float by qc-dynamic-quantize: the matmul has non-default indexing maps (transposed or broadcast operands)}}
  %m = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %w : tensor<2x3xf32>, tensor<2x3xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}

// -----

func.func @infinite(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[1.0, 2.0], [0x7F800000, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %e = tensor.empty() : tensor<2x2xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  // expected-remark @+1 {{left float by qc-dynamic-quantize: weight element [1, 0] is not finite}}
  %m = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x2xf32>) outs(%f : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}

// -----

func.func @long_reduction(%x: tensor<1x66312xf32>) -> tensor<1x1xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<66312x1xf32>
  %e = tensor.empty() : tensor<1x1xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1xf32>) -> tensor<1x1xf32>
  // expected-remark @+1 {{left float by qc-dynamic-quantize: reduction length 66312 could overflow the i32 accumulator (at most 66311)}}
  %m = linalg.matmul ins(%x, %w : tensor<1x66312xf32>, tensor<66312x1xf32>) outs(%f : tensor<1x1xf32>) -> tensor<1x1xf32>
  return %m : tensor<1x1xf32>
}
