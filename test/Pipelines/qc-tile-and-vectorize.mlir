// RUN: quant-opt %s -split-input-file -mlir-print-elementsattrs-with-hex-if-larger=-1 --pass-pipeline='builtin.module(func.func(qc-tile-and-vectorize))' | FileCheck %s
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

// A large matmul (B is 1.2 MB, more than two 256 x 512 blocks; 256 rows) is
// cache-blocked. B is packed at run time into 8 column panels [8][600][64]
// and A into 64 row panels [64][600][4] (4 x 16 chunks transposed in
// registers). The blocked loops (output blocks of 128 x 512, parallel; the
// unit batch and N block loops fold away) run
// K blocks [0, 512) of 256: per block and 4-row tile, the panel loop
// starts each 4 x 64 tile from the fill (first K block) or from the
// output, and the K loop reads 64 contiguous values of a B panel and
// broadcasts 4 adjacent values of A's panel. The last K block (88) is a
// matmul like the others, N tiles outer, its kernel reading the same
// panels from k = 512 on, bias and ReLU applied in registers.
// CHECK-LABEL: func.func @matmul_blocked
// CHECK-SAME:    (%[[A:[a-z0-9]+]]: tensor<256x600xf32>, %[[B:[a-z0-9]+]]: tensor<600x512xf32>
// CHECK:         %[[BP:.*]] = scf.forall (%[[J:.*]]) in (8) shared_outs(%{{.*}}) -> (tensor<307200xf32>)
// CHECK:           scf.for %{{.*}} = %{{.*}} to %c600 step %c1 iter_args(%{{.*}}) -> (tensor<38400xf32>)
// CHECK:             vector.transfer_read %[[B]][%{{.*}}, %{{.*}}]{{.*}} : tensor<600x512xf32>, vector<64xf32>
// CHECK:             vector.transfer_write %{{.*}} : vector<64xf32>, tensor<38400xf32>
// CHECK:         %[[AP:.*]] = scf.forall (%{{.*}}) in (64) shared_outs(%{{.*}}) -> (tensor<153600xf32>)
// CHECK:           scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c16 iter_args(%{{.*}}) -> (tensor<2400xf32>)
// CHECK:             vector.transfer_read %[[A]]{{.*}} : tensor<256x600xf32>, vector<4x16xf32>
// CHECK:             vector.transpose %{{.*}}, [1, 0] : vector<4x16xf32> to vector<16x4xf32>
// CHECK:             vector.shape_cast %{{.*}} : vector<16x4xf32> to vector<64xf32>
// CHECK:           vector.transfer_read %[[A]]{{.*}} : tensor<256x600xf32>, vector<4x8xf32>
// CHECK:         %[[P:.*]] = scf.forall (%{{.*}}) in (2) shared_outs(%{{.*}}) -> (tensor<256x512xf32>)
// CHECK:           scf.for %[[KC:.*]] = %c0 to %c512 step %c256 iter_args(%{{.*}}) -> (tensor<128x512xf32>)
// CHECK:             %[[FIRST:.*]] = arith.cmpi eq, %[[KC]], %c0
// CHECK:             scf.for %{{.*}} = %c0 to %c128 step %c4 iter_args(%{{.*}}) -> (tensor<128x512xf32>)
// CHECK:               scf.for %{{.*}} = %c0 to %c8 step %c1 iter_args(%{{.*}}) -> (tensor<128x512xf32>)
// CHECK:                 scf.if %[[FIRST]] -> (vector<64xf32>, vector<64xf32>, vector<64xf32>, vector<64xf32>)
// CHECK:                 scf.for %{{.*}} = %c0 to %c256 step %c1 iter_args(%{{.*}}) -> (vector<64xf32>, vector<64xf32>, vector<64xf32>, vector<64xf32>)
// CHECK:                   vector.transfer_read %[[BP]][%{{.*}}]{{.*}} : tensor<307200xf32>, vector<64xf32>
// CHECK:                   vector.transfer_read %[[AP]][%{{.*}}]{{.*}}permutation_map{{.*}} : tensor<153600xf32>, vector<64xf32>
// CHECK-COUNT-4:           vector.fma
// CHECK:                 vector.transfer_write {{.*}} : vector<64xf32>, tensor<128x512xf32>
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (512, 256) step (64, 4) shared_outs(%{{.*}}) -> (tensor<256x512xf32>)
// CHECK:           %[[PT:.*]] = tensor.extract_slice %[[P]][
// CHECK:           vector.transfer_read %[[PT]]
// CHECK:           scf.for %{{.*}} = %c0 to %c88 step %c1
// CHECK:             vector.transfer_read %[[BP]]
// CHECK:             vector.transfer_read %[[AP]]
// CHECK:           arith.addf
// CHECK:           arith.maximumf
// CHECK-NOT:     linalg.
func.func @matmul_blocked(%a: tensor<256x600xf32>, %b: tensor<600x512xf32>, %bias: tensor<512xf32>) -> tensor<256x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256x512xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<256x512xf32>) -> tensor<256x512xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<256x600xf32>, tensor<600x512xf32>) outs(%f : tensor<256x512xf32>) -> tensor<256x512xf32>
  %e2 = tensor.empty() : tensor<256x512xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm, %bias : tensor<256x512xf32>, tensor<512xf32>) outs(%e2 : tensor<256x512xf32>) {
  ^bb0(%in: f32, %bb: f32, %out: f32):
    %s = arith.addf %in, %bb : f32
    %t = arith.maximumf %s, %zero : f32
    linalg.yield %t : f32
  } -> tensor<256x512xf32>
  return %r : tensor<256x512xf32>
}

// -----

// A constant B is packed at compile time into column panels [N/64][K][64]
// (row 0 of B holds 0..127, row 1 128..255), whatever M: the kernel reads
// 64 contiguous values per k, and the tiles of one panel run one after the
// other (N outer). Not blocked: B is small and M dynamic. With
// pack-weights=false (SMALL) B is read where it is.
// CHECK-LABEL: func.func @matmul_const_b
// CHECK:         %[[W:.*]] = arith.constant dense<[0.000000e+00, 1.000000e+00, {{([^,]*, )+}}6.300000e+01, 1.280000e+02, {{([^,]*, )+}}1.910000e+02, 6.400000e+01, {{.*}}, 2.550000e+02]> : tensor<256xf32>
// CHECK:         scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (128, %{{.*}}) step (64, 1)
// CHECK:           scf.for %{{.*}} = %c0 to %c2 step %c1
// CHECK:             vector.transfer_read %[[W]][%{{.*}}]{{.*}} : tensor<256xf32>, vector<64xf32>
// CHECK-NOT:     linalg.
// SMALL-LABEL: func.func @matmul_const_b
// SMALL-NOT:     tensor<256xf32>
// SMALL:         vector.transfer_read %{{.*}} : tensor<2x32xf32>, vector<32xf32>
func.func @matmul_const_b(%a: tensor<?x2xf32>) -> tensor<?x128xf32> {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %a, %c0 : tensor<?x2xf32>
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0, 34.0, 35.0, 36.0, 37.0, 38.0, 39.0, 40.0, 41.0, 42.0, 43.0, 44.0, 45.0, 46.0, 47.0, 48.0, 49.0, 50.0, 51.0, 52.0, 53.0, 54.0, 55.0, 56.0, 57.0, 58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0, 73.0, 74.0, 75.0, 76.0, 77.0, 78.0, 79.0, 80.0, 81.0, 82.0, 83.0, 84.0, 85.0, 86.0, 87.0, 88.0, 89.0, 90.0, 91.0, 92.0, 93.0, 94.0, 95.0, 96.0, 97.0, 98.0, 99.0, 100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0, 116.0, 117.0, 118.0, 119.0, 120.0, 121.0, 122.0, 123.0, 124.0, 125.0, 126.0, 127.0], [128.0, 129.0, 130.0, 131.0, 132.0, 133.0, 134.0, 135.0, 136.0, 137.0, 138.0, 139.0, 140.0, 141.0, 142.0, 143.0, 144.0, 145.0, 146.0, 147.0, 148.0, 149.0, 150.0, 151.0, 152.0, 153.0, 154.0, 155.0, 156.0, 157.0, 158.0, 159.0, 160.0, 161.0, 162.0, 163.0, 164.0, 165.0, 166.0, 167.0, 168.0, 169.0, 170.0, 171.0, 172.0, 173.0, 174.0, 175.0, 176.0, 177.0, 178.0, 179.0, 180.0, 181.0, 182.0, 183.0, 184.0, 185.0, 186.0, 187.0, 188.0, 189.0, 190.0, 191.0, 192.0, 193.0, 194.0, 195.0, 196.0, 197.0, 198.0, 199.0, 200.0, 201.0, 202.0, 203.0, 204.0, 205.0, 206.0, 207.0, 208.0, 209.0, 210.0, 211.0, 212.0, 213.0, 214.0, 215.0, 216.0, 217.0, 218.0, 219.0, 220.0, 221.0, 222.0, 223.0, 224.0, 225.0, 226.0, 227.0, 228.0, 229.0, 230.0, 231.0, 232.0, 233.0, 234.0, 235.0, 236.0, 237.0, 238.0, 239.0, 240.0, 241.0, 242.0, 243.0, 244.0, 245.0, 246.0, 247.0, 248.0, 249.0, 250.0, 251.0, 252.0, 253.0, 254.0, 255.0]]> : tensor<2x128xf32>
  %e = tensor.empty(%m) : tensor<?x128xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x128xf32>) -> tensor<?x128xf32>
  %mm = linalg.matmul ins(%a, %w : tensor<?x2xf32>, tensor<2x128xf32>) outs(%f : tensor<?x128xf32>) -> tensor<?x128xf32>
  return %mm : tensor<?x128xf32>
}

// -----

// One row (a matrix-vector product): all 16 accumulators run along N, so
// each k reads 256 contiguous values of B (1 KB) instead of 64.
// CHECK-LABEL: func.func @matvec
// CHECK:         scf.forall (%{{.*}}) = (0) to (512) step (256)
// CHECK:           scf.for {{.*}} -> (vector<256xf32>)
// CHECK:             vector.transfer_read {{.*}} : tensor<64x256xf32>, vector<256xf32>
// CHECK:             vector.fma {{.*}} : vector<256xf32>
// CHECK-NOT:     linalg.
func.func @matvec(%a: tensor<1x64xf32>, %b: tensor<64x512xf32>, %init: tensor<1x512xf32>) -> tensor<1x512xf32> {
  %mm = linalg.matmul ins(%a, %b : tensor<1x64xf32>, tensor<64x512xf32>) outs(%init : tensor<1x512xf32>) -> tensor<1x512xf32>
  return %mm : tensor<1x512xf32>
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
