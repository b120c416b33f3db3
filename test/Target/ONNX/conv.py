# Conv: bias, pads, strides, dilations, auto_pad, groups, depthwise, 1-D/3-D,
# dynamic batch.
# RUN: %python %s %t
# RUN: quant-translate --import-onnx %t/basic.onnx --mlir-print-local-scope | FileCheck %s --check-prefix=BASIC
# RUN: quant-translate --import-onnx %t/same_upper.onnx | FileCheck %s --check-prefix=SAMEU
# RUN: quant-translate --import-onnx %t/same_lower.onnx | FileCheck %s --check-prefix=SAMEL
# RUN: quant-translate --import-onnx %t/valid.onnx | FileCheck %s --check-prefix=VALID
# RUN: quant-translate --import-onnx %t/group.onnx | FileCheck %s --check-prefix=GROUP
# RUN: quant-translate --import-onnx %t/depthwise.onnx | FileCheck %s --check-prefix=DW
# RUN: quant-translate --import-onnx %t/conv1d.onnx | FileCheck %s --check-prefix=C1D
# RUN: quant-translate --import-onnx %t/conv3d.onnx | FileCheck %s --check-prefix=C3D
# RUN: quant-translate --import-onnx %t/dynbatch.onnx | FileCheck %s --check-prefix=DYN
# RUN: not quant-translate --import-onnx %t/bad_channels.onnx 2>&1 | FileCheck %s --check-prefix=BADC

import sys, os
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import onnxgen as g

d = g.setup()

# BASIC-LABEL: func.func @main(%arg0: tensor<1x3x8x8xf32>
# BASIC-SAME:    -> tensor<1x4x4x2xf32>
# BASIC:       tensor.pad %arg0 low[0, 0, 1, 0] high[0, 0, 1, 2]
# BASIC:         tensor.yield %{{.*}} : f32
# BASIC:       } : tensor<1x3x8x8xf32> to tensor<1x3x10x10xf32> loc("conv"("{{.*}}basic.onnx":1:0))
# BASIC:       %[[W:.*]] = arith.constant dense_resource<w> : tensor<4x3x3x3xf32> loc("w"("{{.*}}basic.onnx":0:0))
# BASIC:       %[[C:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<[2, 3]> : tensor<2xi64>}
# BASIC-SAME:    ins(%{{.*}}, %[[W]] : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) outs(%{{.*}} : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> loc("conv"(
# BASIC:       arith.constant dense<{{\[\[\[}}1.000000e+00]], {{\[\[}}2.000000e+00]], {{\[\[}}3.000000e+00]], {{\[\[}}4.000000e+00]]]> : tensor<4x1x1xf32> loc("b"(
# BASIC:       linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
# BASIC-SAME:    ins(%[[C]], %{{.*}} : tensor<1x4x4x2xf32>, tensor<4x1x1xf32>)
# BASIC:         arith.addf
# BASIC:       } -> tensor<1x4x4x2xf32> loc("conv"(
g.save(d, "basic",
       [g.node("Conv", ["x", "w", "b"], ["y"], name="conv", pads=[1, 0, 1, 2],
               strides=[2, 3], dilations=[1, 2], kernel_shape=[3, 3])],
       [g.inp("x", [1, 3, 8, 8])], [g.out("y")],
       [g.init("w", g.rand(4, 3, 3, 3)), g.init("b", g.np.array([1, 2, 3, 4], g.np.float32))])

# 7x7 input, kernel 4, stride 2: out 4, total pad 4*... = (4-1)*2+4-7 = 3.
# SAMEU: tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 2, 2]
# SAMEU: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x1x4x4xf32>
# SAMEL: tensor.pad %arg0 low[0, 0, 2, 2] high[0, 0, 1, 1]
# SAMEL: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x1x4x4xf32>
for mode, name in (("SAME_UPPER", "same_upper"), ("SAME_LOWER", "same_lower")):
    g.save(d, name, [g.node("Conv", ["x", "w"], ["y"], auto_pad=mode, strides=[2, 2])],
           [g.inp("x", [1, 1, 7, 7])], [g.out("y")], [g.init("w", g.rand(1, 1, 4, 4))])

# VALID ignores pads: (7 - 3) / 2 + 1 = 3.
# VALID-NOT: tensor.pad
# VALID: linalg.conv_2d_nchw_fchw {{.*}} -> tensor<1x2x3x3xf32>
g.save(d, "valid", [g.node("Conv", ["x", "w"], ["y"], auto_pad="VALID", strides=[2, 2])],
       [g.inp("x", [1, 1, 7, 7])], [g.out("y")], [g.init("w", g.rand(2, 1, 3, 3))])

# GROUP: %[[X:.*]] = tensor.expand_shape %arg0 {{\[\[}}0], [1, 2], [3], [4]] output_shape [2, 2, 2, 5, 5] : tensor<2x4x5x5xf32> into tensor<2x2x2x5x5xf32>
# GROUP: %[[W:.*]] = arith.constant dense_resource<w> : tensor<2x3x2x3x3xf32>
# GROUP: %[[Y:.*]] = linalg.conv_2d_ngchw_gfchw {{.*}} ins(%[[X]], %[[W]] : tensor<2x2x2x5x5xf32>, tensor<2x3x2x3x3xf32>) outs(%{{.*}} : tensor<2x2x3x3x3xf32>)
# GROUP: tensor.collapse_shape %[[Y]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<2x2x3x3x3xf32> into tensor<2x6x3x3xf32>
g.save(d, "group", [g.node("Conv", ["x", "w"], ["y"], group=2)],
       [g.inp("x", [2, 4, 5, 5])], [g.out("y")], [g.init("w", g.rand(6, 2, 3, 3))])

# DW: %[[W:.*]] = arith.constant dense_resource<w> : tensor<8x3x3xf32>
# DW: linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x8x7x7xf32>, tensor<8x3x3xf32>) outs(%{{.*}} : tensor<1x8x5x5xf32>)
g.save(d, "depthwise", [g.node("Conv", ["x", "w"], ["y"], group=8, pads=[1, 1, 1, 1])],
       [g.inp("x", [1, 8, 5, 5])], [g.out("y")], [g.init("w", g.rand(8, 1, 3, 3))])

# C1D: linalg.conv_1d_ncw_fcw {dilations = dense<1> : tensor<1xi64>, strides = dense<2> : tensor<1xi64>} {{.*}} -> tensor<1x4x4xf32>
g.save(d, "conv1d", [g.node("Conv", ["x", "w"], ["y"], strides=[2])],
       [g.inp("x", [1, 2, 9])], [g.out("y")], [g.init("w", g.rand(4, 2, 3))])

# C3D: linalg.conv_3d_ncdhw_fcdhw {{.*}} -> tensor<1x2x2x2x2xf32>
g.save(d, "conv3d", [g.node("Conv", ["x", "w"], ["y"])],
       [g.inp("x", [1, 1, 4, 4, 4])], [g.out("y")], [g.init("w", g.rand(2, 1, 3, 3, 3))])

# DYN-LABEL: func.func @main(%arg0: tensor<?x3x6x6xf32>
# DYN-SAME:    -> tensor<?x5x4x4xf32>
# DYN:       %[[N:.*]] = tensor.dim %arg0, %c0
# DYN:       tensor.empty(%[[N]]) : tensor<?x5x4x4xf32>
# DYN:       linalg.conv_2d_nchw_fchw {{.*}} ins(%arg0, %{{.*}} : tensor<?x3x6x6xf32>, tensor<5x3x3x3xf32>)
g.save(d, "dynbatch", [g.node("Conv", ["x", "w"], ["y"])],
       [g.inp("x", ["N", 3, 6, 6])], [g.out("y")], [g.init("w", g.rand(5, 3, 3, 3))])

# BADC: error: node 'c' (Conv, opset 13): inconsistent shapes: input has 3 channels but weight [5, 2, 3, 3] with group 1 expects 2
g.save(d, "bad_channels", [g.node("Conv", ["x", "w"], ["y"], name="c")],
       [g.inp("x", [1, 3, 6, 6])], [g.out("y")], [g.init("w", g.rand(5, 2, 3, 3))])
