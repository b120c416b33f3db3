// Zero padding feeding a depthwise convolution with ReLU6, a global average
// pool written as sum pooling over a constant count, and an attention-style
// matmul of two activations.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#sc = affine_map<(d0, d1, d2, d3) -> ()>
func.func @net(%x: tensor<1x2x4x4xf32>, %a: tensor<2x3x5xf32>, %b: tensor<2x5x4xf32>) -> (tensor<1x2x1x1xf32>, tensor<2x3x4xf32>) {
  %cst0 = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %x0 = qc.observe %x id "input:0" {stats = #qc.stats<min = -1.0, max = 3.0>} : tensor<1x2x4x4xf32>
  %p = tensor.pad %x0 low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %cst0 : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32> loc("dw")
  %p0 = qc.observe %p id "dw" {stats = #qc.stats<min = -1.0, max = 3.0>} : tensor<1x2x6x6xf32>
  %w = arith.constant dense<[[[0.5, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -0.5]], [[0.25, 0.25, 0.25], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]> : tensor<2x3x3xf32>
  %e = tensor.empty() : tensor<1x2x4x4xf32>
  %z = linalg.fill ins(%cst0 : f32) outs(%e : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %c = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%p0, %w : tensor<1x2x6x6xf32>, tensor<2x3x3xf32>) outs(%z : tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> loc("dw")
  %c0 = qc.observe %c id "dw:1" {stats = #qc.stats<min = -2.0, max = 8.0>} : tensor<1x2x4x4xf32>
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
         ins(%c0 : tensor<1x2x4x4xf32>) outs(%e : tensor<1x2x4x4xf32>) {
  ^bb0(%i: f32, %o: f32):
    %m = arith.maximumf %i, %cst0 : f32
    %n = arith.minimumf %m, %six : f32
    linalg.yield %n : f32
  } -> tensor<1x2x4x4xf32> loc("relu6")
  %r0 = qc.observe %r id "relu6" {stats = #qc.stats<min = 0.0, max = 6.0>} : tensor<1x2x4x4xf32>
  %se = tensor.empty() : tensor<1x2x1x1xf32>
  %sz = linalg.fill ins(%cst0 : f32) outs(%se : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %win = tensor.empty() : tensor<4x4xf32>
  %s = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%r0, %win : tensor<1x2x4x4xf32>, tensor<4x4xf32>) outs(%sz : tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32> loc("gap")
  %s0 = qc.observe %s id "gap" {stats = #qc.stats<min = 0.0, max = 40.0>} : tensor<1x2x1x1xf32>
  %cnt = arith.constant dense<16.0> : tensor<f32>
  %d = linalg.generic {indexing_maps = [#id4, #sc, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
         ins(%s0, %cnt : tensor<1x2x1x1xf32>, tensor<f32>) outs(%se : tensor<1x2x1x1xf32>) {
  ^bb0(%i: f32, %k: f32, %o: f32):
    %q = arith.divf %i, %k : f32
    linalg.yield %q : f32
  } -> tensor<1x2x1x1xf32> loc("gap")
  %d0 = qc.observe %d id "gap:1" {stats = #qc.stats<min = 0.0, max = 2.5>} : tensor<1x2x1x1xf32>
  %a0 = qc.observe %a id "input:1" {stats = #qc.stats<min = -1.0, max = 1.0>} : tensor<2x3x5xf32>
  %b0 = qc.observe %b id "input:2" {stats = #qc.stats<min = -2.0, max = 2.0>} : tensor<2x5x4xf32>
  %me = tensor.empty() : tensor<2x3x4xf32>
  %mz = linalg.fill ins(%cst0 : f32) outs(%me : tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %m = linalg.batch_matmul ins(%a0, %b0 : tensor<2x3x5xf32>, tensor<2x5x4xf32>) outs(%mz : tensor<2x3x4xf32>) -> tensor<2x3x4xf32> loc("scores")
  %m0 = qc.observe %m id "scores" {stats = #qc.stats<min = -10.0, max = 10.0>} : tensor<2x3x4xf32>
  return %d0, %m0 : tensor<1x2x1x1xf32>, tensor<2x3x4xf32>
}
