# BatchNormalization (inference; constant statistics fold into one scale and
# shift), LayerNormalization, Softmax (opset < 13 flattens at axis, >= 13 one
# axis), LogSoftmax, ReduceMean.
# RUN: %python %s %t
# RUN: quant-translate --import-onnx %t/batchnorm.onnx --strip-locations | FileCheck %s --check-prefix=BN
# RUN: quant-translate --import-onnx %t/batchnorm_dyn.onnx --strip-locations | FileCheck %s --check-prefix=BNDYN
# RUN: quant-translate --import-onnx %t/layernorm.onnx --strip-locations --mlir-print-local-scope | FileCheck %s --check-prefix=LN
# RUN: quant-translate --import-onnx %t/softmax11.onnx --strip-locations --mlir-print-local-scope | FileCheck %s --check-prefix=SM11
# RUN: quant-translate --import-onnx %t/softmax13.onnx --strip-locations --mlir-print-local-scope | FileCheck %s --check-prefix=SM13
# RUN: quant-translate --import-onnx %t/reducemean.onnx --strip-locations --mlir-print-local-scope | FileCheck %s --check-prefix=RM
# RUN: not quant-translate --import-onnx %t/bn_training.onnx 2>&1 | FileCheck %s --check-prefix=BNTRAIN

import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import onnxgen as g
np = g.np

d = g.setup()

f32 = lambda *v: np.array(v, np.float32)
# scale / sqrt(var + eps) with var + eps = 4 -> 0.5 * scale; shift = B - mean * k.
# BN-LABEL: func.func @main(%arg0: tensor<1x2x3x3xf32>)
# BN-DAG:   %[[K:.*]] = arith.constant dense<{{\[\[\[}}1.000000e+00]], {{\[\[}}1.500000e+00]]]> : tensor<2x1x1xf32>
# BN-DAG:   %[[S:.*]] = arith.constant dense<{{\[\[\[}}0.000000e+00]], {{\[\[}}-2.000000e+00]]]> : tensor<2x1x1xf32>
# BN:       linalg.generic {{.*}} ins(%arg0, %[[K]], %[[S]] : tensor<1x2x3x3xf32>, tensor<2x1x1xf32>, tensor<2x1x1xf32>)
# BN:         arith.mulf
# BN:         arith.addf
# BN-NOT:   math.sqrt
g.save(d, "batchnorm", [g.node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], epsilon=1.0)],
       [g.inp("x", [1, 2, 3, 3])], [g.out("y")],
       [g.init("s", f32(2, 3)), g.init("b", f32(1, 1)), g.init("m", f32(1, 2)), g.init("v", f32(3, 3))], opset=9)

# Statistics computed at run time: the full formula in one generic.
# BNDYN: linalg.generic
# BNDYN:   arith.subf
# BNDYN:   math.sqrt
# BNDYN:   arith.divf
g.save(d, "batchnorm_dyn", [g.node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"])],
       [g.inp("x", [1, 2, 3]), g.inp("m", [2]), g.inp("v", [2])], [g.out("y")],
       [g.init("s", f32(2, 3)), g.init("b", f32(1, 1))], opset=15)

# BNTRAIN: error: node 'bn' (BatchNormalization, opset 15): training mode is not supported (inference only)
g.save(d, "bn_training", [g.node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], name="bn", training_mode=1)],
       [g.inp("x", [1, 2, 3])], [g.out("y")],
       [g.init("s", f32(2, 3)), g.init("b", f32(1, 1)), g.init("m", f32(1, 2)), g.init("v", f32(3, 3))], opset=15)

# LN: %[[SUM:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0)>], iterator_types = ["parallel", "reduction", "reduction"]} ins(%arg0 : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<2xf32>)
# LN: arith.constant 1.200000e+01 : f32
# LN: %[[SQ:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction", "reduction"]} ins(%arg0, %{{.*}} : tensor<2x3x4xf32>, tensor<2xf32>) outs(%{{.*}} : tensor<2xf32>)
# LN: math.sqrt
# LN: linalg.generic {{.*}} ins(%arg0, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3x4xf32>, tensor<3x4xf32>)
g.save(d, "layernorm", [g.node("LayerNormalization", ["x", "s", "b"], ["y"], axis=1, epsilon=1e-3)],
       [g.inp("x", [2, 3, 4])], [g.out("y")],
       [g.init("s", g.rand(3, 4)), g.init("b", g.rand(3, 4, seed=1))], opset=17)

# Opset 11: normalizes over all dims from axis on.
# SM11: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0)>], iterator_types = ["parallel", "reduction", "reduction"]}
# SM11: arith.maximumf
# SM11: math.exp
# SM11: arith.addf
# SM11: arith.divf
g.save(d, "softmax11", [g.node("Softmax", ["x"], ["y"])], [g.inp("x", [2, 3, 4])], [g.out("y")], opset=11)
# Opset 13: one axis (default -1).
# SM13: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]}
# SM13: arith.maximumf
# SM13: math.exp
# SM13: arith.divf
# SM13: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]}
# SM13: math.log
g.save(d, "softmax13", [g.node("Softmax", ["x"], ["s"]), g.node("LogSoftmax", ["s"], ["y"], axis=1)],
       [g.inp("x", [2, 3, 4])], [g.out("y")], opset=13)

# RM-LABEL: func.func @main(%arg0: tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
# RM: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]}
# RM: arith.constant 3.000000e+00 : f32
# RM: arith.divf
# RM: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [2, 1, 4] : tensor<2x4xf32> into tensor<2x1x4xf32>
g.save(d, "reducemean", [g.node("ReduceMean", ["x"], ["y"], axes=[-2])], [g.inp("x", [2, 3, 4])], [g.out("y")])
