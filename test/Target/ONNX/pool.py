# MaxPool / AveragePool / GlobalAveragePool: linalg.pooling_* on NCHW, padding
# with -inf (max) or 0 (average), per-position divisors for
# count_include_pad=0 and ceil mode, 1-D and 3-D pools.
# RUN: %python %s %t
# RUN: quant-translate --import-onnx %t/maxpool.onnx --strip-locations | FileCheck %s --check-prefix=MAX
# RUN: quant-translate --import-onnx %t/avg_exclude.onnx --strip-locations | FileCheck %s --check-prefix=AVGEX
# RUN: quant-translate --import-onnx %t/avg_include.onnx --strip-locations | FileCheck %s --check-prefix=AVGIN
# RUN: quant-translate --import-onnx %t/ceil.onnx --strip-locations | FileCheck %s --check-prefix=CEIL
# RUN: quant-translate --import-onnx %t/global.onnx --strip-locations | FileCheck %s --check-prefix=GLOBAL
# RUN: quant-translate --import-onnx %t/pool1d.onnx --strip-locations | FileCheck %s --check-prefix=P1D
# RUN: quant-translate --import-onnx %t/pool3d.onnx --strip-locations | FileCheck %s --check-prefix=P3D
# RUN: quant-translate --import-onnx %t/argmax.onnx --strip-locations --mlir-print-local-scope | FileCheck %s --check-prefix=ARGMAX

import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import onnxgen as g
np = g.np

d = g.setup()

# MAX:      %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
# MAX:      %[[P:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
# MAX:        tensor.yield %[[NEGINF]]
# MAX:      %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
# MAX:      %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x3x3xf32>)
# MAX:      linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[P]], %[[WIN]] : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x2x3x3xf32>)
g.save(d, "maxpool", [g.node("MaxPool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])],
       [g.inp("x", [1, 2, 5, 5])], [g.out("y")])

# count_include_pad=0 with padding: the divisor depends on the position.
# AVGEX:     linalg.pooling_nchw_sum {{.*}} -> tensor<1x1x2x2xf32>
# AVGEX:     %[[DIV:.*]] = arith.constant dense<{{\[\[}}4.000000e+00, 2.000000e+00], [2.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
# AVGEX:     linalg.generic {{.*}} ins(%{{.*}}, %[[DIV]] : tensor<1x1x2x2xf32>, tensor<2x2xf32>)
# AVGEX:       arith.divf
g.save(d, "avg_exclude", [g.node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 1, 1])],
       [g.inp("x", [1, 1, 3, 3])], [g.out("y")])

# AVGIN:     linalg.pooling_nchw_sum
# AVGIN:     arith.constant 4.000000e+00 : f32
# AVGIN:     arith.divf
g.save(d, "avg_include", [g.node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 1, 1], count_include_pad=1)],
       [g.inp("x", [1, 1, 3, 3])], [g.out("y")])

# ceil_mode: 4x4, kernel 3, stride 2 -> 2x2; one extra row/column of padding.
# CEIL:      tensor.pad %arg0 low[0, 0, 0, 0] high[0, 0, 1, 1]
# CEIL:      linalg.pooling_nchw_sum {{.*}} -> tensor<1x1x2x2xf32>
# CEIL:      arith.constant dense<{{\[\[}}9.000000e+00, 6.000000e+00], [6.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
g.save(d, "ceil", [g.node("AveragePool", ["x"], ["y"], kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)],
       [g.inp("x", [1, 1, 4, 4])], [g.out("y")])

# GLOBAL-LABEL: func.func @main(%arg0: tensor<?x8x5x5xf32>) -> tensor<?x8x1x1xf32>
# GLOBAL:       %[[WIN:.*]] = tensor.empty() : tensor<5x5xf32>
# GLOBAL:       linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%arg0, %[[WIN]] : tensor<?x8x5x5xf32>, tensor<5x5xf32>)
# GLOBAL:       arith.constant 2.500000e+01 : f32
# GLOBAL:       arith.divf
g.save(d, "global", [g.node("GlobalAveragePool", ["x"], ["y"])],
       [g.inp("x", ["N", 8, 5, 5])], [g.out("y")])

# P1D: linalg.pooling_ncw_max {{.*}} ins(%arg0, %{{.*}} : tensor<1x3x8xf32>, tensor<2xf32>) outs(%{{.*}} : tensor<1x3x4xf32>)
g.save(d, "pool1d", [g.node("MaxPool", ["x"], ["y"], kernel_shape=[2], strides=[2])],
       [g.inp("x", [1, 3, 8])], [g.out("y")])

# 3-D pools go through NDHWC.
# P3D: %[[T:.*]] = linalg.transpose ins(%arg0 : tensor<1x3x4x4x4xf32>) outs(%{{.*}} : tensor<1x4x4x4x3xf32>) permutation = [0, 2, 3, 4, 1]
# P3D: %[[S:.*]] = linalg.pooling_ndhwc_sum {{.*}} ins(%[[T]], %{{.*}} : tensor<1x4x4x4x3xf32>, tensor<2x2x2xf32>) outs(%{{.*}} : tensor<1x2x2x2x3xf32>)
# P3D: linalg.transpose ins(%[[S]] : tensor<1x2x2x2x3xf32>) outs(%{{.*}} : tensor<1x3x2x2x2xf32>) permutation = [0, 4, 1, 2, 3]
# P3D: arith.constant 8.000000e+00 : f32
g.save(d, "pool3d", [g.node("AveragePool", ["x"], ["y"], kernel_shape=[2, 2, 2], strides=[2, 2, 2])],
       [g.inp("x", [1, 3, 4, 4, 4])], [g.out("y")])

# With the Indices output: one generic computes the maximum and its
# flattened (row-major) input index.
# ARGMAX-LABEL: func.func @main(%arg0: tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>)
# ARGMAX: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%arg0, %{{.*}} : tensor<1x2x4x4xf32>, tensor<2x2xf32>) outs(%{{.*}}, %{{.*}} : tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>)
# ARGMAX:   linalg.index 0
# ARGMAX:   arith.cmpf ogt
# ARGMAX:   linalg.yield %{{.*}}, %{{.*}} : f32, i64
g.save(d, "argmax", [g.node("MaxPool", ["x"], ["y", "i"], name="mp", kernel_shape=[2, 2], strides=[2, 2])],
       [g.inp("x", [1, 2, 4, 4])], [g.out("y"), g.out("i", g.TensorProto.INT64)])
