func.func @no_histogram(%x: tensor<4xf32>) -> (tensor<4xf32>, f32) {
  %c0 = arith.constant 0 : index
  %0 = qc.observe %x id "c" {stats = #qc.stats<min = 0.0, max = 1.0>} : tensor<4xf32>
  %1 = tensor.extract %0[%c0] : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, f32
}
