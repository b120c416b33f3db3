// A conv + bias + relu unit, a residual add of two differently scaled
// branches, max pooling, a reshape, a sigmoid and a matmul, already observed
// with statistics attached (as calibration leaves them).
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#n = affine_map<(d0, d1) -> (d1)>
func.func @net(%x: tensor<1x2x4x4xf32>) -> tensor<1x3xf32> {
  %cst0 = arith.constant 0.0 : f32
  %lowest = arith.constant 0xFF800000 : f32
  %one = arith.constant 1.0 : f32
  %x0 = qc.observe %x id "input:0" {stats = #qc.stats<min = -1.0, max = 3.0>} : tensor<1x2x4x4xf32>
  %w = arith.constant dense<[[[[0.5]], [[-0.25]]], [[[1.0]], [[0.75]]]]> : tensor<2x2x1x1xf32>
  %wo = qc.observe %w id "conv1.weight" axis 0 : tensor<2x2x1x1xf32>
  %b = arith.constant dense<[[[0.1]], [[-0.2]]]> : tensor<2x1x1xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %z = linalg.fill ins(%cst0 : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x0, %wo : tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) outs(%z : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("conv1")
  %c0 = qc.observe %c id "conv1" {stats = #qc.stats<min = -2.0, max = 2.0>} : tensor<1x2x4x4xf32>
  %cb = linalg.generic {indexing_maps = [#id4, #ch, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
         ins(%c0, %b : tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%i: f32, %bi: f32, %o: f32):
    %s = arith.addf %i, %bi : f32
    linalg.yield %s : f32
  } -> tensor<1x2x4x4xf32> loc("conv1")
  %cb0 = qc.observe %cb id "conv1:1" {stats = #qc.stats<min = -2.1, max = 2.1>} : tensor<1x2x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
         ins(%cb0 : tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%i: f32, %o: f32):
    %m = arith.maximumf %i, %cst0 : f32
    linalg.yield %m : f32
  } -> tensor<1x2x4x4xf32> loc("relu1")
  %r0 = qc.observe %r id "relu1" {stats = #qc.stats<min = 0.0, max = 2.0>} : tensor<1x2x4x4xf32>
  // Residual: relu1 (scale 2/255) + input (scale 4/255).
  %a = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
         ins(%r0, %x0 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%i: f32, %j: f32, %o: f32):
    %s = arith.addf %i, %j : f32
    linalg.yield %s : f32
  } -> tensor<1x2x4x4xf32> loc("add1")
  %a0 = qc.observe %a id "add1" {stats = #qc.stats<min = -1.0, max = 5.0>} : tensor<1x2x4x4xf32>
  %pe = tensor.empty() : tensor<1x2x2x2xf32>
  %pinit = linalg.fill ins(%lowest : f32) outs(%pe : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
         ins(%a0, %win : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%pinit : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("pool1")
  %p0 = qc.observe %p id "pool1" {stats = #qc.stats<min = 0.5, max = 4.0>} : tensor<1x2x2x2xf32>
  %f = tensor.collapse_shape %p0 [[0], [1, 2, 3]] : tensor<1x2x2x2xf32> into tensor<1x8xf32> loc("flatten")
  %f0 = qc.observe %f id "flatten" {stats = #qc.stats<min = 0.5, max = 4.0>} : tensor<1x8xf32>
  %fw = arith.constant dense<0.125> : tensor<8x3xf32>
  %fwo = qc.observe %fw id "fc.weight" axis 1 : tensor<8x3xf32>
  %fe = tensor.empty() : tensor<1x3xf32>
  %fz = linalg.fill ins(%cst0 : f32) outs(%fe : tensor<1x3xf32>) -> tensor<1x3xf32>
  %m = linalg.matmul ins(%f0, %fwo : tensor<1x8xf32>, tensor<8x3xf32>) outs(%fz : tensor<1x3xf32>) -> tensor<1x3xf32> loc("fc")
  %m0 = qc.observe %m id "fc" {stats = #qc.stats<min = -3.0, max = 3.0>} : tensor<1x3xf32>
  %fb = arith.constant dense<[0.5, 0.25, -0.5]> : tensor<3xf32>
  %mb = linalg.generic {indexing_maps = [#id2, #n, #id2], iterator_types = ["parallel", "parallel"]}
         ins(%m0, %fb : tensor<1x3xf32>, tensor<3xf32>) outs(%fe : tensor<1x3xf32>) {
  ^bb0(%i: f32, %bi: f32, %o: f32):
    %s = arith.addf %i, %bi : f32
    linalg.yield %s : f32
  } -> tensor<1x3xf32> loc("fc")
  %mb0 = qc.observe %mb id "fc:1" {stats = #qc.stats<min = -3.5, max = 3.5>} : tensor<1x3xf32>
  %s = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
         ins(%mb0 : tensor<1x3xf32>) outs(%fe : tensor<1x3xf32>) {
  ^bb0(%i: f32, %o: f32):
    %n = arith.negf %i : f32
    %ex = math.exp %n : f32
    %den = arith.addf %one, %ex : f32
    %sg = arith.divf %one, %den : f32
    linalg.yield %sg : f32
  } -> tensor<1x3xf32> loc("sigmoid")
  %s0 = qc.observe %s id "sigmoid" {stats = #qc.stats<min = 0.1, max = 0.9>} : tensor<1x3xf32>
  return %s0 : tensor<1x3xf32>
}
