// RUN: quant-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qc-tile-and-vectorize))' | FileCheck %s
// RUN: quant-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qc-tile-and-vectorize{vector-bits=256 accumulators=2 pack-weights=false}))' | FileCheck %s --check-prefix=SMALL
// RUN: not quant-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(qc-tile-and-vectorize{vector-bits=100}))' 2>&1 | FileCheck %s --check-prefix=ERR

// ERR: vector-bits must be a power of two in [64, 2048], got 100

// Conv + bias + ReLU, dynamic batch: one scf.forall over (batch, output row);
// the 4 output channels x 8 columns are 4 vector<8xf32> accumulators carried
// by the loop over input channels, the filter is packed as
// [F/4][C][KH][KW][4] = 72 values, and bias and ReLU are applied in
// registers before the 4 row writes.
// CHECK-LABEL: func.func @conv_bias_relu
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// CHECK-DAG:     %[[PACKED:.*]] = arith.constant dense<[1.000000e+00, -1.000000e+00, 0.000000e+00, 3.000000e+00, 2.000000e+00, -2.000000e+00, 1.000000e+00, 3.000000e+00, {{.*}}]> : tensor<72xf32>
// CHECK:         scf.forall (%[[N:[a-z0-9_]+]], %[[OH:[a-z0-9_]+]]) in (%{{.*}}, 4) shared_outs(%[[OUT2:[a-z0-9_]+]] = %{{.*}}) -> (tensor<?x4x4x8xf32>)
// CHECK:             %[[IN:.*]] = tensor.extract_slice %arg0[%[[N]], 0, %[[OH]], 0] [1, 2, 3, 10] [1, 1, 1, 1]
// CHECK:             %[[TILE:.*]] = tensor.extract_slice %[[OUT2]][%[[N]], 0, %[[OH]], 0] [1, 4, 1, 8] [1, 1, 1, 1]
// CHECK:             %[[ACC:.*]]:4 = scf.for %[[C:[a-z0-9_]+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]]) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK:               %[[ROW:.*]] = vector.transfer_read %[[IN]][%{{.*}}, %[[C]], %{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<1x2x3x10xf32>, vector<8xf32>
// CHECK:               %[[W:.*]] = vector.transfer_read %[[PACKED]][%{{.*}}], %{{.*}} {in_bounds = [true], permutation_map = #{{.*}}} : tensor<72xf32>, vector<8xf32>
// CHECK:               vector.fma %[[ROW]], %[[W]], %{{.*}} : vector<8xf32>
// CHECK-COUNT-35:      vector.fma
// CHECK:               scf.yield
// CHECK:             %[[B0:.*]] = vector.transfer_read %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}], %{{.*}} {in_bounds = [true], permutation_map = #{{.*}}} : tensor<4x1x1xf32>, vector<8xf32>
// CHECK:             arith.addf %[[ACC]]#0, %[[B0]] : vector<8xf32>
// CHECK-COUNT-4:     arith.maximumf %{{.*}}, %[[ZERO]] : vector<8xf32>
// CHECK-COUNT-4:     vector.transfer_write %{{.*}} {in_bounds = [true]} : vector<8xf32>, tensor<1x4x1x8xf32>
// CHECK:             scf.forall.in_parallel
// CHECK:               tensor.parallel_insert_slice %{{.*}} into %[[OUT2]][%[[N]], 0, %[[OH]], 0] [1, 4, 1, 8] [1, 1, 1, 1]
// CHECK-NOT:     linalg.
// SMALL-LABEL: func.func @conv_bias_relu
// With 8 lanes of 256 bits and 2 accumulators: 2 channels per tile, and
// the filter read where it is (no packing).
// SMALL:         scf.forall ({{.*}}) = (0, 0, 0) to (%{{.*}}, 4, 4) step (1, 2, 1)
// SMALL:           scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>)
// SMALL:               vector.transfer_read %{{.*}} : tensor<2x2x3x3xf32>, vector<8xf32>
// SMALL-NOT:     tensor<72xf32>
func.func @conv_bias_relu(%x: tensor<?x2x6x10xf32>) -> tensor<?x4x4x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2x6x10xf32>
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], [[1.5, 2.5, 3.5], [4.5, 5.5, 6.5], [7.5, 8.5, 9.5]]],
                             [[[-1.0, -2.0, -3.0], [-4.0, -5.0, -6.0], [-7.0, -8.0, -9.0]], [[0.5, 0.25, 0.125], [1.0, 2.0, 4.0], [8.0, 16.0, 32.0]]],
                             [[[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], [[2.0, 0.0, 2.0], [0.0, 2.0, 0.0], [2.0, 0.0, 2.0]]],
                             [[[3.0, 3.0, 3.0], [3.0, 3.0, 3.0], [3.0, 3.0, 3.0]], [[-3.0, -3.0, -3.0], [-3.0, -3.0, -3.0], [-3.0, -3.0, -3.0]]]]> : tensor<4x2x3x3xf32>
  %bias = arith.constant dense<[[[0.5]], [[-0.5]], [[1.0]], [[-1.0]]]> : tensor<4x1x1xf32>
  %e = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4x4x8xf32>) -> tensor<?x4x4x8xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x2x6x10xf32>, tensor<4x2x3x3xf32>) outs(%f : tensor<?x4x4x8xf32>) -> tensor<?x4x4x8xf32>
  %e2 = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %bias : tensor<?x4x4x8xf32>, tensor<4x1x1xf32>) outs(%e2 : tensor<?x4x4x8xf32>) {
  ^bb0(%in: f32, %bb: f32, %out: f32):
    %s = arith.addf %in, %bb : f32
    linalg.yield %s : f32
  } -> tensor<?x4x4x8xf32>
  %e3 = tensor.empty(%n) : tensor<?x4x4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<?x4x4x8xf32>) outs(%e3 : tensor<?x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x4x4x8xf32>
  return %r : tensor<?x4x4x8xf32>
}

// -----

// Stride 2: each tap reads 15 contiguous values and keeps every other one.
// The filter is an argument (read in place), and the init is not a fill:
// the accumulators start from the init tile's rows.
// CHECK-LABEL: func.func @conv_stride2
// CHECK:         scf.for
// CHECK-COUNT-8:   vector.transfer_read %{{.*}} : tensor<1x8x1x8xf32>, vector<8xf32>
// CHECK:           scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK:             %[[R:.*]] = vector.transfer_read %{{.*}} : tensor<1x2x3x17xf32>, vector<15xf32>
// CHECK:             %[[S:.*]] = vector.shuffle %[[R]], %[[R]] [0, 2, 4, 6, 8, 10, 12, 14] : vector<15xf32>, vector<15xf32>
// CHECK:             %[[W:.*]] = vector.transfer_read %arg1[%c0, %{{.*}}, %c0, %c0], %{{.*}} : tensor<8x2x3x3xf32>, vector<8xf32>
// CHECK:             vector.fma %[[S]], %[[W]], %{{.*}} : vector<8xf32>
// CHECK-NOT:     linalg.
func.func @conv_stride2(%x: tensor<1x2x9x17xf32>, %w: tensor<8x2x3x3xf32>, %init: tensor<1x8x4x8xf32>) -> tensor<1x8x4x8xf32> {
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x9x17xf32>, tensor<8x2x3x3xf32>) outs(%init : tensor<1x8x4x8xf32>) -> tensor<1x8x4x8xf32>
  return %conv : tensor<1x8x4x8xf32>
}

// -----

// Max pooling 2x2 stride 2: per channel, the maximum of 4 shuffled rows
// (the first maximum with the fill value, -inf, folds away).
// CHECK-LABEL: func.func @maxpool
// CHECK:         scf.forall
// CHECK:             %[[R:.*]] = vector.transfer_read %{{.*}} : tensor<1x3x2x8xf32>, vector<7xf32>
// CHECK:             %[[S:.*]] = vector.shuffle %[[R]], %[[R]] [0, 2, 4, 6] : vector<7xf32>, vector<7xf32>
// CHECK-COUNT-9:     arith.maximumf {{.*}} : vector<4xf32>
// CHECK-NOT:         arith.maximumf
// CHECK-COUNT-3:     vector.transfer_write %{{.*}} : vector<4xf32>, tensor<1x3x1x4xf32>
// CHECK-NOT:     linalg.
func.func @maxpool(%x: tensor<?x3x8x8xf32>) -> tensor<?x3x4x4xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3x8x8xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %win = tensor.empty() : tensor<2x2xf32>
  %e = tensor.empty(%n) : tensor<?x3x4x4xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<?x3x4x4xf32>) -> tensor<?x3x4x4xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %win : tensor<?x3x8x8xf32>, tensor<2x2xf32>) outs(%f : tensor<?x3x4x4xf32>) -> tensor<?x3x4x4xf32>
  return %p : tensor<?x3x4x4xf32>
}

// -----

// Depthwise: each channel row times its own broadcast weight, per tap.
// CHECK-LABEL: func.func @depthwise
// CHECK:         scf.forall
// CHECK:             %[[R:.*]] = vector.transfer_read %{{.*}}[%c0, %c0, %c0, %c0], %{{.*}} : tensor<1x4x3x6xf32>, vector<4xf32>
// CHECK:             %[[W:.*]] = vector.transfer_read %arg1[%c0, %c0, %c0], %{{.*}} {in_bounds = [true], permutation_map = #{{.*}}} : tensor<4x3x3xf32>, vector<4xf32>
// CHECK:             vector.fma %[[R]], %[[W]], %{{.*}} : vector<4xf32>
// CHECK-COUNT-35:    vector.fma
// CHECK-NOT:     linalg.
func.func @depthwise(%x: tensor<?x4x6x6xf32>, %w: tensor<4x3x3xf32>) -> tensor<?x4x4x4xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4x6x6xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n) : tensor<?x4x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  %d = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x4x6x6xf32>, tensor<4x3x3xf32>) outs(%f : tensor<?x4x4x4xf32>) -> tensor<?x4x4x4xf32>
  return %d : tensor<?x4x4x4xf32>
}

// -----

// Matmul with a dynamic M and a bias: one row per tile; per k, the row of
// B times A[m, k] broadcast; the bias is added in registers.
// CHECK-LABEL: func.func @matmul_bias
// CHECK:         scf.forall (%[[M:[a-z0-9_]+]]) in (%{{.*}}) shared_outs({{.*}}) -> (tensor<?x10xf32>)
// CHECK:           %[[A:.*]] = tensor.extract_slice %arg0[%[[M]], 0] [1, 64] [1, 1]
// CHECK:           %[[ACC:.*]] = scf.for %[[K:[a-z0-9_]+]] = %c0 to %c64 step %c1 iter_args(%[[X:[a-z0-9_]+]] = %{{.*}}) -> (vector<10xf32>)
// CHECK:             %[[B:.*]] = vector.transfer_read %arg1[%[[K]], %c0], %{{.*}} {in_bounds = [true]} : tensor<64x10xf32>, vector<10xf32>
// CHECK:             %[[AK:.*]] = vector.transfer_read %[[A]][%c0, %[[K]]], %{{.*}} {in_bounds = [true], permutation_map = #{{.*}}} : tensor<1x64xf32>, vector<10xf32>
// CHECK:             %[[F:.*]] = vector.fma %[[B]], %[[AK]], %[[X]] : vector<10xf32>
// CHECK:             scf.yield %[[F]]
// CHECK:           %[[BIAS:.*]] = vector.transfer_read %arg2[%c0], %{{.*}} {in_bounds = [true]} : tensor<10xf32>, vector<10xf32>
// CHECK:           %[[SUM:.*]] = arith.addf %[[ACC]], %[[BIAS]] : vector<10xf32>
// CHECK:           vector.transfer_write %[[SUM]]
// CHECK-NOT:     linalg.
func.func @matmul_bias(%a: tensor<?x64xf32>, %b: tensor<64x10xf32>, %bias: tensor<10xf32>) -> tensor<?x10xf32> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %a, %c0 : tensor<?x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%m) : tensor<?x10xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x10xf32>) -> tensor<?x10xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<?x64xf32>, tensor<64x10xf32>) outs(%f : tensor<?x10xf32>) -> tensor<?x10xf32>
  %e2 = tensor.empty(%m) : tensor<?x10xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm, %bias : tensor<?x10xf32>, tensor<10xf32>) outs(%e2 : tensor<?x10xf32>) {
  ^bb0(%in: f32, %bb: f32, %out: f32):
    %s = arith.addf %in, %bb : f32
    linalg.yield %s : f32
  } -> tensor<?x10xf32>
  return %r : tensor<?x10xf32>
}

// -----

// Static M: 48 columns take 3 registers, so 16 accumulators allow 5 rows;
// 6 rows split into 2 tiles of 3.
// CHECK-LABEL: func.func @matmul_static
// CHECK:         scf.forall (%{{.*}}) = (0) to (6) step (3)
// CHECK:           scf.for {{.*}} -> (vector<48xf32>, vector<48xf32>, vector<48xf32>)
// CHECK-COUNT-3:     vector.fma {{.*}} : vector<48xf32>
// CHECK-NOT:     linalg.
func.func @matmul_static(%a: tensor<6x32xf32>, %b: tensor<32x48xf32>, %init: tensor<6x48xf32>) -> tensor<6x48xf32> {
  %mm = linalg.matmul ins(%a, %b : tensor<6x32xf32>, tensor<32x48xf32>) outs(%init : tensor<6x48xf32>) -> tensor<6x48xf32>
  return %mm : tensor<6x48xf32>
}

// -----

// A standalone elementwise generic: tiles of 4 x 16 in rows of 16.
// CHECK-LABEL: func.func @elementwise
// CHECK:         scf.for
// CHECK-COUNT-4:   math.tanh %{{.*}} : vector<16xf32>
// CHECK-COUNT-4:   vector.transfer_write %{{.*}} : vector<16xf32>, tensor<1x4x16xf32>
// CHECK-NOT:     linalg.
func.func @elementwise(%x: tensor<?x4x16xf32>, %y: tensor<?x4x16xf32>) -> tensor<?x4x16xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4x16xf32>
  %e = tensor.empty(%n) : tensor<?x4x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %y : tensor<?x4x16xf32>, tensor<?x4x16xf32>) outs(%e : tensor<?x4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %s = arith.addf %a, %b : f32
    %t = math.tanh %s : f32
    linalg.yield %t : f32
  } -> tensor<?x4x16xf32>
  return %r : tensor<?x4x16xf32>
}

// -----

// Left for the loop lowering: integer convolutions (the quantized path),
// dynamic channel counts, transposed matmuls, and a pool whose output rows
// are narrower than 4.
// CHECK-LABEL: func.func @untouched
// CHECK-NOT:     vector.
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x4x4x8xi32>
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x?x4x8xf32>
// CHECK:         linalg.matmul
// CHECK:         linalg.pooling_nchw_sum {{.*}} -> tensor<1x4x1x1xf32>
// CHECK-NOT:     vector.
func.func @untouched(%x: tensor<1x2x6x10xi32>, %w: tensor<4x2x3x3xi32>, %init: tensor<1x4x4x8xi32>,
                     %fx: tensor<1x?x6x10xf32>, %fw: tensor<?x?x3x3xf32>, %finit: tensor<1x?x4x8xf32>,
                     %a: tensor<8x16xf32>, %bt: tensor<32x16xf32>, %mi: tensor<8x32xf32>,
                     %p: tensor<1x4x8x8xf32>, %win: tensor<8x8xf32>, %pi: tensor<1x4x1x1xf32>)
    -> (tensor<1x4x4x8xi32>, tensor<1x?x4x8xf32>, tensor<8x32xf32>, tensor<1x4x1x1xf32>) {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x6x10xi32>, tensor<4x2x3x3xi32>) outs(%init : tensor<1x4x4x8xi32>) -> tensor<1x4x4x8xi32>
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%fx, %fw : tensor<1x?x6x10xf32>, tensor<?x?x3x3xf32>) outs(%finit : tensor<1x?x4x8xf32>) -> tensor<1x?x4x8xf32>
  %2 = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
      ins(%a, %bt : tensor<8x16xf32>, tensor<32x16xf32>) outs(%mi : tensor<8x32xf32>) -> tensor<8x32xf32>
  %3 = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %win : tensor<1x4x8x8xf32>, tensor<8x8xf32>) outs(%pi : tensor<1x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  return %0, %1, %2, %3 : tensor<1x4x4x8xi32>, tensor<1x?x4x8xf32>, tensor<8x32xf32>, tensor<1x4x1x1xf32>
}

// -----

// A generic that transposes cannot run along rows of both operands: its
// tiles (4 x 16 here) go through linalg::vectorize, as a transposing read.
// CHECK-LABEL: func.func @transpose
// CHECK:         scf.forall (%{{.*}}) = (0) to (32) step (4)
// CHECK:           %[[T:.*]] = vector.transfer_read %{{.*}} {in_bounds = [true, true], permutation_map = #{{.*}}} : tensor<16x4xf32>, vector<4x16xf32>
// CHECK:           vector.transfer_write %[[T]], %{{.*}} : vector<4x16xf32>, tensor<4x16xf32>
// CHECK-NOT:     linalg.
func.func @transpose(%t: tensor<16x32xf32>, %ti: tensor<32x16xf32>) -> tensor<32x16xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%t : tensor<16x32xf32>) outs(%ti : tensor<32x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<32x16xf32>
  return %0 : tensor<32x16xf32>
}

// -----

// Named elementwise ops become generics first: the transpose goes through
// linalg::vectorize, the add runs along rows.
// CHECK-LABEL: func.func @named
// CHECK:         vector.transfer_read %{{.*}} {in_bounds = [true, true, true], permutation_map = #{{.*}}} : tensor<1x16x4xf32>, vector<1x4x16xf32>
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (%{{.*}}, 32) step (1, 4)
// CHECK-COUNT-4:     arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NOT:     linalg.
func.func @named(%t: tensor<?x16x32xf32>, %a: tensor<?x32x16xf32>, %ti: tensor<?x32x16xf32>, %ai: tensor<?x32x16xf32>)
    -> (tensor<?x32x16xf32>, tensor<?x32x16xf32>) {
  %0 = linalg.transpose ins(%t : tensor<?x16x32xf32>) outs(%ti : tensor<?x32x16xf32>) permutation = [0, 2, 1]
  %1 = linalg.add ins(%0, %a : tensor<?x32x16xf32>, tensor<?x32x16xf32>) outs(%ai : tensor<?x32x16xf32>) -> tensor<?x32x16xf32>
  return %0, %1 : tensor<?x32x16xf32>, tensor<?x32x16xf32>
}
