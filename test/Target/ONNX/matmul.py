# Gemm and MatMul: linalg.matmul / linalg.batch_matmul, weights transposed at
# import time, numpy batch broadcasting, 1-D operands, bias as a broadcast add.
# RUN: %python %s %t
# RUN: quant-translate --import-onnx %t/gemm.onnx --strip-locations | FileCheck %s --check-prefix=GEMM
# RUN: quant-translate --import-onnx %t/gemm_act.onnx --strip-locations | FileCheck %s --check-prefix=GEMMACT
# RUN: quant-translate --import-onnx %t/matmul2d.onnx --strip-locations | FileCheck %s --check-prefix=MM2
# RUN: quant-translate --import-onnx %t/matmul_rows.onnx --strip-locations | FileCheck %s --check-prefix=ROWS
# RUN: quant-translate --import-onnx %t/matmul_batch.onnx --strip-locations | FileCheck %s --check-prefix=BATCH
# RUN: quant-translate --import-onnx %t/matmul_bcast.onnx --strip-locations --mlir-print-local-scope | FileCheck %s --check-prefix=BCAST
# RUN: quant-translate --import-onnx %t/matmul_vec.onnx --strip-locations | FileCheck %s --check-prefix=VEC
# RUN: quant-translate --import-onnx %t/matmul_dyn.onnx --strip-locations | FileCheck %s --check-prefix=DYN

import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import onnxgen as g
np = g.np

d = g.setup()

# transA=1 on an activation: linalg.transpose; transB=1 and alpha on a
# constant weight: folded; beta on a constant bias: folded.
# GEMM-LABEL: func.func @main(%arg0: tensor<4x3xf32>) -> tensor<3x2xf32>
# GEMM:       %[[AT:.*]] = linalg.transpose ins(%arg0 : tensor<4x3xf32>) outs(%{{.*}} : tensor<3x4xf32>) permutation = [1, 0]
# GEMM:       %[[W:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 1.000000e+01], [4.000000e+00, 1.200000e+01], [6.000000e+00, 1.400000e+01], [8.000000e+00, 1.600000e+01]]> : tensor<4x2xf32>
# GEMM:       %[[Z:.*]] = linalg.fill
# GEMM:       %[[MM:.*]] = linalg.matmul ins(%[[AT]], %[[W]] : tensor<3x4xf32>, tensor<4x2xf32>) outs(%[[Z]] : tensor<3x2xf32>)
# GEMM:       %[[C:.*]] = arith.constant dense<[5.000000e-01, 1.000000e+00]> : tensor<2xf32>
# GEMM:       linalg.generic {{.*}} ins(%[[MM]], %[[C]] : tensor<3x2xf32>, tensor<2xf32>)
# GEMM:         arith.addf
g.save(d, "gemm", [g.node("Gemm", ["a", "w", "c"], ["y"], transA=1, transB=1, alpha=2.0, beta=0.5)],
       [g.inp("a", [4, 3])], [g.out("y")],
       [g.init("w", np.arange(1, 9, dtype=np.float32).reshape(2, 4)),
        g.init("c", np.array([1, 2], np.float32))])

# Activation x activation with alpha/beta applied at run time.
# GEMMACT:     linalg.transpose ins(%arg1 : tensor<2x4xf32>)
# GEMMACT:     linalg.matmul
# GEMMACT:     arith.constant 3.000000e+00 : f32
# GEMMACT:     arith.mulf
# GEMMACT:     linalg.generic {{.*}} ins(%{{.*}}, %arg2 : tensor<3x2xf32>, tensor<3x1xf32>)
# GEMMACT:       arith.constant 2.000000e+00 : f32
# GEMMACT:       arith.mulf
# GEMMACT:       arith.addf
g.save(d, "gemm_act", [g.node("Gemm", ["a", "b", "c"], ["y"], transB=1, alpha=3.0, beta=2.0)],
       [g.inp("a", [3, 4]), g.inp("b", [2, 4]), g.inp("c", [3, 1])], [g.out("y")])

# MM2: linalg.matmul ins(%arg0, %arg1 : tensor<3x4xf32>, tensor<4x5xf32>) outs(%{{.*}} : tensor<3x5xf32>)
g.save(d, "matmul2d", [g.node("MatMul", ["a", "b"], ["y"])],
       [g.inp("a", [3, 4]), g.inp("b", [4, 5])], [g.out("y")])

# [2,3,4] x [4,5]: the batch folds into the rows of one linalg.matmul.
# ROWS: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
# ROWS: %[[M:.*]] = linalg.matmul ins(%[[A]], %{{.*}} : tensor<6x4xf32>, tensor<4x5xf32>) outs(%{{.*}} : tensor<6x5xf32>)
# ROWS: tensor.expand_shape %[[M]] {{\[\[}}0, 1], [2]] output_shape [2, 3, 5] : tensor<6x5xf32> into tensor<2x3x5xf32>
g.save(d, "matmul_rows", [g.node("MatMul", ["a", "w"], ["y"])],
       [g.inp("a", [2, 3, 4])], [g.out("y")], [g.init("w", g.rand(4, 5))])

# BATCH: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x5xf32> into tensor<6x4x5xf32>
# BATCH: %[[B:.*]] = tensor.collapse_shape %arg1 {{\[\[}}0, 1], [2], [3]] : tensor<2x3x5x6xf32> into tensor<6x5x6xf32>
# BATCH: %[[M:.*]] = linalg.batch_matmul ins(%[[A]], %[[B]] : tensor<6x4x5xf32>, tensor<6x5x6xf32>) outs(%{{.*}} : tensor<6x4x6xf32>)
# BATCH: tensor.expand_shape %[[M]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 4, 6]
g.save(d, "matmul_batch", [g.node("MatMul", ["a", "b"], ["y"])],
       [g.inp("a", [2, 3, 4, 5]), g.inp("b", [2, 3, 5, 6])], [g.out("y")])

# [1,3,4] x [2,4,5]: the first operand is broadcast along the batch.
# BCAST: %[[A:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]{{.*}} ins(%arg0 : tensor<1x3x4xf32>) outs(%{{.*}} : tensor<2x3x4xf32>)
# BCAST: linalg.batch_matmul ins(%[[A]], %arg1 : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%{{.*}} : tensor<2x3x5xf32>)
g.save(d, "matmul_bcast", [g.node("MatMul", ["a", "b"], ["y"])],
       [g.inp("a", [1, 3, 4]), g.inp("b", [2, 4, 5])], [g.out("y")])

# VEC-LABEL: func.func @main(%arg0: tensor<4xf32>, %arg1: tensor<4x5xf32>) -> tensor<5xf32>
# VEC: %[[A:.*]] = tensor.expand_shape %arg0 {{\[\[}}0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
# VEC: %[[M:.*]] = linalg.matmul ins(%[[A]], %arg1 : tensor<1x4xf32>, tensor<4x5xf32>)
# VEC: tensor.collapse_shape %[[M]] {{\[\[}}0, 1]] : tensor<1x5xf32> into tensor<5xf32>
g.save(d, "matmul_vec", [g.node("MatMul", ["a", "b"], ["y"])],
       [g.inp("a", [4]), g.inp("b", [4, 5])], [g.out("y")])

# DYN-LABEL: func.func @main(%arg0: tensor<?x3x4xf32>) -> tensor<?x3x5xf32>
# DYN: %[[A:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<?x3x4xf32> into tensor<?x4xf32>
# DYN: %[[R:.*]] = tensor.dim %[[A]], %{{.*}}
# DYN: tensor.empty(%[[R]]) : tensor<?x5xf32>
# DYN: linalg.matmul ins(%[[A]], %{{.*}} : tensor<?x4xf32>, tensor<4x5xf32>)
# DYN: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [%{{.*}}, 3, 5] : tensor<?x5xf32> into tensor<?x3x5xf32>
g.save(d, "matmul_dyn", [g.node("MatMul", ["a", "w"], ["y"])],
       [g.inp("a", ["batch", 3, 4])], [g.out("y")], [g.init("w", g.rand(4, 5))])
