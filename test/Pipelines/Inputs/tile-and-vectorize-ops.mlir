// Float ops that qc-tile-and-vectorize turns into kernels, with odd sizes,
// strides, dilations, dynamic batches and f64; used by
// qc-tile-and-vectorize-numerics.test to compare the vectorized lowering
// with the loop lowering.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#bias4 = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row2 = affine_map<(d0, d1) -> (d1)>

// Conv (constant, packed filter) + bias + residual add + ReLU.
func.func @conv_chain(%x: tensor<?x3x12x21xf32>, %res: tensor<?x6x10x19xf32>) -> tensor<?x6x10x19xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3x12x21xf32>
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<[[[[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, 0.8, 0.9]], [[-1.0, 1.1, 1.2], [1.3, -1.4, 1.5], [1.6, 1.7, -1.8]], [[0.05, 0.15, 0.25], [0.35, 0.45, 0.55], [0.65, 0.75, 0.85]]],
                             [[[0.9, 0.8, 0.7], [0.6, 0.5, 0.4], [0.3, 0.2, 0.1]], [[-0.1, -0.2, -0.3], [-0.4, -0.5, -0.6], [-0.7, -0.8, -0.9]], [[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]],
                             [[[0.3, 0.1, 0.4], [0.1, 0.5, 0.9], [0.2, 0.6, 0.5]], [[0.3, 0.5, 0.8], [0.9, 0.7, 0.9], [0.3, 0.2, 0.3]], [[0.8, 0.4, 0.6], [0.2, 0.6, 0.4], [0.3, 0.3, 0.8]]],
                             [[[-0.5, 0.5, -0.5], [0.5, -0.5, 0.5], [-0.5, 0.5, -0.5]], [[0.25, 0.25, 0.25], [0.25, 0.25, 0.25], [0.25, 0.25, 0.25]], [[0.1, 0.2, 0.1], [0.2, 0.4, 0.2], [0.1, 0.2, 0.1]]],
                             [[[1.5, -1.5, 1.5], [0.0, 0.0, 0.0], [-1.5, 1.5, -1.5]], [[0.7, 0.1, 0.7], [0.1, 0.7, 0.1], [0.7, 0.1, 0.7]], [[0.2, 0.3, 0.5], [0.7, 0.11, 0.13], [0.17, 0.19, 0.23]]],
                             [[[0.01, 0.02, 0.03], [0.04, 0.05, 0.06], [0.07, 0.08, 0.09]], [[0.9, -0.9, 0.9], [-0.9, 0.9, -0.9], [0.9, -0.9, 0.9]], [[0.33, 0.66, 0.99], [0.11, 0.22, 0.44], [0.55, 0.77, 0.88]]]]> : tensor<6x3x3x3xf32>
  %bias = arith.constant dense<[[[0.5]], [[-0.25]], [[1.0]], [[0.0]], [[-1.5]], [[0.125]]]> : tensor<6x1x1xf32>
  %e = tensor.empty(%n) : tensor<?x6x10x19xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x6x10x19xf32>) -> tensor<?x6x10x19xf32>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x3x12x21xf32>, tensor<6x3x3x3xf32>) outs(%f : tensor<?x6x10x19xf32>) -> tensor<?x6x10x19xf32>
  %e1 = tensor.empty(%n) : tensor<?x6x10x19xf32>
  %b = linalg.generic {indexing_maps = [#id4, #bias4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%conv, %bias : tensor<?x6x10x19xf32>, tensor<6x1x1xf32>) outs(%e1 : tensor<?x6x10x19xf32>) {
  ^bb0(%in: f32, %bb: f32, %out: f32):
    %s = arith.addf %in, %bb : f32
    linalg.yield %s : f32
  } -> tensor<?x6x10x19xf32>
  %e2 = tensor.empty(%n) : tensor<?x6x10x19xf32>
  %a = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%res, %b : tensor<?x6x10x19xf32>, tensor<?x6x10x19xf32>) outs(%e2 : tensor<?x6x10x19xf32>) {
  ^bb0(%r: f32, %in: f32, %out: f32):
    %s = arith.addf %r, %in : f32
    linalg.yield %s : f32
  } -> tensor<?x6x10x19xf32>
  %e3 = tensor.empty(%n) : tensor<?x6x10x19xf32>
  %relu = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a : tensor<?x6x10x19xf32>) outs(%e3 : tensor<?x6x10x19xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x6x10x19xf32>
  return %relu : tensor<?x6x10x19xf32>
}

// Stride 2 and dilation 2 with the filter as an argument (not packed),
// accumulating into a given tensor.
func.func @conv_strided(%x: tensor<2x4x15x29xf32>, %w: tensor<5x4x3x2xf32>, %init: tensor<2x5x5x13xf32>, %init2: tensor<2x5x11x27xf32>)
    -> (tensor<2x5x5x13xf32>, tensor<2x5x11x27xf32>) {
  %s = linalg.conv_2d_nchw_fchw {dilations = dense<[1, 3]> : tensor<2xi64>, strides = dense<[3, 2]> : tensor<2xi64>}
      ins(%x, %w : tensor<2x4x15x29xf32>, tensor<5x4x3x2xf32>) outs(%init : tensor<2x5x5x13xf32>) -> tensor<2x5x5x13xf32>
  %d = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<2x4x15x29xf32>, tensor<5x4x3x2xf32>) outs(%init2 : tensor<2x5x11x27xf32>) -> tensor<2x5x11x27xf32>
  return %s, %d : tensor<2x5x5x13xf32>, tensor<2x5x11x27xf32>
}

// Pools and a depthwise convolution.
func.func @pools(%x: tensor<?x3x12x21xf32>, %dw: tensor<3x3x3xf32>)
    -> (tensor<?x3x6x10xf32>, tensor<?x3x4x7xf32>, tensor<?x3x10x19xf32>, tensor<?x3x5x10xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3x12x21xf32>
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %w2 = tensor.empty() : tensor<2x2xf32>
  %w3 = tensor.empty() : tensor<3x3xf32>
  %e1 = tensor.empty(%n) : tensor<?x3x6x10xf32>
  %f1 = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<?x3x6x10xf32>) -> tensor<?x3x6x10xf32>
  %max2 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w2 : tensor<?x3x12x21xf32>, tensor<2x2xf32>) outs(%f1 : tensor<?x3x6x10xf32>) -> tensor<?x3x6x10xf32>
  %e2 = tensor.empty(%n) : tensor<?x3x4x7xf32>
  %f2 = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<?x3x4x7xf32>) -> tensor<?x3x4x7xf32>
  %max3 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<3> : tensor<2xi64>}
      ins(%x, %w3 : tensor<?x3x12x21xf32>, tensor<3x3xf32>) outs(%f2 : tensor<?x3x4x7xf32>) -> tensor<?x3x4x7xf32>
  %e3 = tensor.empty(%n) : tensor<?x3x10x19xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<?x3x10x19xf32>) -> tensor<?x3x10x19xf32>
  %sum = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w3 : tensor<?x3x12x21xf32>, tensor<3x3xf32>) outs(%f3 : tensor<?x3x10x19xf32>) -> tensor<?x3x10x19xf32>
  %e4 = tensor.empty(%n) : tensor<?x3x5x10xf32>
  %f4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<?x3x5x10xf32>) -> tensor<?x3x5x10xf32>
  %dwc = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %dw : tensor<?x3x12x21xf32>, tensor<3x3x3xf32>) outs(%f4 : tensor<?x3x5x10xf32>) -> tensor<?x3x5x10xf32>
  return %max2, %max3, %sum, %dwc : tensor<?x3x6x10xf32>, tensor<?x3x4x7xf32>, tensor<?x3x10x19xf32>, tensor<?x3x5x10xf32>
}

// Matmuls: dynamic M with a bias + tanh chain, static M with N spanning
// several registers, and a batch matmul.
func.func @matmuls(%a: tensor<?x37xf32>, %b: tensor<37x50xf32>, %bias: tensor<50xf32>, %c: tensor<6x37xf32>,
                   %ba: tensor<3x5x9xf32>, %bb: tensor<3x9x20xf32>)
    -> (tensor<?x50xf32>, tensor<6x50xf32>, tensor<3x5x20xf32>) {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %a, %c0 : tensor<?x37xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%m) : tensor<?x50xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<?x50xf32>) -> tensor<?x50xf32>
  %mm = linalg.matmul ins(%a, %b : tensor<?x37xf32>, tensor<37x50xf32>) outs(%f : tensor<?x50xf32>) -> tensor<?x50xf32>
  %e1 = tensor.empty(%m) : tensor<?x50xf32>
  %t = linalg.generic {indexing_maps = [#id2, #row2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %bias : tensor<?x50xf32>, tensor<50xf32>) outs(%e1 : tensor<?x50xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %s = arith.addf %in, %bv : f32
    %th = math.tanh %s : f32
    linalg.yield %th : f32
  } -> tensor<?x50xf32>
  %es = tensor.empty() : tensor<6x50xf32>
  %fs = linalg.fill ins(%zero : f32) outs(%es : tensor<6x50xf32>) -> tensor<6x50xf32>
  %ms = linalg.matmul ins(%c, %b : tensor<6x37xf32>, tensor<37x50xf32>) outs(%fs : tensor<6x50xf32>) -> tensor<6x50xf32>
  %eb = tensor.empty() : tensor<3x5x20xf32>
  %fb = linalg.fill ins(%zero : f32) outs(%eb : tensor<3x5x20xf32>) -> tensor<3x5x20xf32>
  %bm = linalg.batch_matmul ins(%ba, %bb : tensor<3x5x9xf32>, tensor<3x9x20xf32>) outs(%fb : tensor<3x5x20xf32>) -> tensor<3x5x20xf32>
  return %t, %ms, %bm : tensor<?x50xf32>, tensor<6x50xf32>, tensor<3x5x20xf32>
}

// f64: a conv with a constant filter and an elementwise op on its own.
func.func @f64(%x: tensor<?x2x7x12xf64>, %y: tensor<?x3x5x10xf64>) -> (tensor<?x3x5x10xf64>, tensor<?x3x5x10xf64>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x2x7x12xf64>
  %zero = arith.constant 0.0 : f64
  %w = arith.constant dense<[[[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]], [[1.0, -1.0, 1.0], [-1.0, 1.0, -1.0], [1.0, -1.0, 1.0]]],
                             [[[0.5, 0.5, 0.5], [0.25, 0.25, 0.25], [0.125, 0.125, 0.125]], [[0.3, 0.2, 0.1], [0.6, 0.5, 0.4], [0.9, 0.8, 0.7]]],
                             [[[-0.1, 0.0, 0.1], [-0.2, 0.0, 0.2], [-0.3, 0.0, 0.3]], [[2.0, 1.0, 2.0], [1.0, 0.5, 1.0], [2.0, 1.0, 2.0]]]]> : tensor<3x2x3x3xf64>
  %e = tensor.empty(%n) : tensor<?x3x5x10xf64>
  %f = linalg.fill ins(%zero : f64) outs(%e : tensor<?x3x5x10xf64>) -> tensor<?x3x5x10xf64>
  %conv = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<?x2x7x12xf64>, tensor<3x2x3x3xf64>) outs(%f : tensor<?x3x5x10xf64>) -> tensor<?x3x5x10xf64>
  %e1 = tensor.empty(%n) : tensor<?x3x5x10xf64>
  %g = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y : tensor<?x3x5x10xf64>) outs(%e1 : tensor<?x3x5x10xf64>) {
  ^bb0(%in: f64, %out: f64):
    %sq = arith.mulf %in, %in : f64
    %ex = math.exp %sq : f64
    linalg.yield %ex : f64
  } -> tensor<?x3x5x10xf64>
  return %conv, %g : tensor<?x3x5x10xf64>, tensor<?x3x5x10xf64>
}

// A transposing generic (tiled alone, vectorized by linalg::vectorize) and a
// broadcasting one (vectorized row by row).
func.func @layout(%x: tensor<?x12x20xf32>, %b: tensor<12xf32>) -> (tensor<?x20x12xf32>, tensor<?x12x20xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x12x20xf32>
  %e = tensor.empty(%n) : tensor<?x20x12xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<?x12x20xf32>) outs(%e : tensor<?x20x12xf32>) {
  ^bb0(%in: f32, %out: f32):
    %h = arith.mulf %in, %in : f32
    linalg.yield %h : f32
  } -> tensor<?x20x12xf32>
  %e2 = tensor.empty(%n) : tensor<?x12x20xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<?x12x20xf32>, tensor<12xf32>) outs(%e2 : tensor<?x12x20xf32>) {
  ^bb0(%in: f32, %bv: f32, %out: f32):
    %d = arith.subf %in, %bv : f32
    %q = arith.divf %d, %bv : f32
    linalg.yield %q : f32
  } -> tensor<?x12x20xf32>
  return %t, %s : tensor<?x20x12xf32>, tensor<?x12x20xf32>
}

// Named elementwise ops are generalized first, then planned like generics.
func.func @named(%t: tensor<?x16x32xf32>, %a: tensor<?x32x16xf32>, %ti: tensor<?x32x16xf32>, %ai: tensor<?x32x16xf32>)
    -> (tensor<?x32x16xf32>, tensor<?x32x16xf32>) {
  %0 = linalg.transpose ins(%t : tensor<?x16x32xf32>) outs(%ti : tensor<?x32x16xf32>) permutation = [0, 2, 1]
  %1 = linalg.add ins(%0, %a : tensor<?x32x16xf32>, tensor<?x32x16xf32>) outs(%ai : tensor<?x32x16xf32>) -> tensor<?x32x16xf32>
  return %0, %1 : tensor<?x32x16xf32>, tensor<?x32x16xf32>
}
