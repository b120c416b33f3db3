# Elementwise ops: numpy broadcasting through indexing maps, single-element
# constants inlined into the body, constant inputs folded.
# RUN: %python %s %t
# RUN: quant-translate --import-onnx %t/binary.onnx --strip-locations | FileCheck %s --check-prefix=BIN
# RUN: quant-translate --import-onnx %t/unary.onnx --strip-locations | FileCheck %s --check-prefix=UN
# RUN: quant-translate --import-onnx %t/clip8.onnx --strip-locations | FileCheck %s --check-prefix=CLIP8
# RUN: quant-translate --import-onnx %t/clip13.onnx --strip-locations | FileCheck %s --check-prefix=CLIP13
# RUN: quant-translate --import-onnx %t/folded.onnx --strip-locations | FileCheck %s --check-prefix=FOLD
# RUN: quant-translate --import-onnx %t/pow.onnx --strip-locations | FileCheck %s --check-prefix=POW
# RUN: quant-translate --import-onnx %t/int.onnx --strip-locations | FileCheck %s --check-prefix=INT

import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import onnxgen as g
np = g.np

d = g.setup()

# BIN-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
# BIN-DAG: #[[$LAST:.*]] = affine_map<(d0, d1, d2) -> (d2)>
# BIN-DAG: #[[$MID:.*]] = affine_map<(d0, d1, d2) -> (d0, 0, d2)>
# BIN-LABEL: func.func @main(%arg0: tensor<2x3x4xf32>, %arg1: tensor<4xf32>, %arg2: tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
# BIN:       linalg.generic {indexing_maps = [#[[$ID]], #[[$LAST]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg0, %arg1 : tensor<2x3x4xf32>, tensor<4xf32>)
# BIN:         arith.addf
# BIN:       linalg.generic {indexing_maps = [#[[$ID]], #[[$MID]], #[[$ID]]], {{.*}} ins(%{{.*}}, %arg2 : tensor<2x3x4xf32>, tensor<2x1x4xf32>)
# BIN:         arith.subf
# The scalar constant is inlined into the body.
# BIN:       linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]], {{.*}} ins(%{{.*}} : tensor<2x3x4xf32>)
# BIN:         %[[C:.*]] = arith.constant 2.500000e+00 : f32
# BIN:         arith.mulf %{{.*}}, %[[C]] : f32
# BIN:       linalg.generic
# BIN:         arith.divf
g.save(d, "binary",
       [g.node("Add", ["a", "b"], ["t1"]), g.node("Sub", ["t1", "c"], ["t2"]),
        g.node("Mul", ["t2", "k"], ["t3"]), g.node("Div", ["t3", "a"], ["y"])],
       [g.inp("a", [2, 3, 4]), g.inp("b", [4]), g.inp("c", [2, 1, 4])], [g.out("y")],
       [g.init("k", np.array(2.5, np.float32))])

# UN: arith.maximumf
# UN: arith.cmpf ogt
# UN: arith.constant 1.000000e-01 : f32
# UN: arith.select
# UN: math.exp
# UN: arith.divf
# UN: math.tanh
# UN: math.erf
# UN: math.sqrt
g.save(d, "unary",
       [g.node("Relu", ["x"], ["a"]), g.node("LeakyRelu", ["a"], ["b"], alpha=0.1),
        g.node("Sigmoid", ["b"], ["c"]), g.node("Tanh", ["c"], ["e"]),
        g.node("Erf", ["e"], ["f"]), g.node("Sqrt", ["f"], ["y"])],
       [g.inp("x", [5])], [g.out("y")])

# Clip before opset 11: bounds are attributes.
# CLIP8: %[[LO:.*]] = arith.constant -1.000000e+00 : f32
# CLIP8: %[[HI:.*]] = arith.constant 6.000000e+00 : f32
# CLIP8: %[[M:.*]] = arith.maximumf %{{.*}}, %[[LO]]
# CLIP8: arith.minimumf %[[M]], %[[HI]]
g.save(d, "clip8", [g.node("Clip", ["x"], ["y"], min=-1.0, max=6.0)],
       [g.inp("x", [5])], [g.out("y")], opset=8)

# From opset 11: optional inputs; here only max, given at run time.
# CLIP13: func.func @main(%arg0: tensor<5xf32>, %arg1: tensor<f32>)
# CLIP13: linalg.generic {{.*}} ins(%arg0, %arg1 : tensor<5xf32>, tensor<f32>)
# CLIP13-NOT: arith.maximumf
# CLIP13: arith.minimumf
g.save(d, "clip13", [g.node("Clip", ["x", "", "hi"], ["y"])],
       [g.inp("x", [5]), g.inp("hi", [])], [g.out("y")])

# Ops on constants fold: no linalg op is left.
# FOLD-LABEL: func.func @main() -> tensor<2xf32>
# FOLD-NOT:   linalg
# FOLD:       arith.constant dense<[3.000000e+00, 7.000000e+00]> : tensor<2xf32>
g.save(d, "folded",
       [g.node("Mul", ["c1", "c2"], ["t"]), g.node("Add", ["t", "c1"], ["u"]),
        g.node("Relu", ["u"], ["y"])],
       [], [g.out("y")],
       [g.init("c1", np.array([1, 1], np.float32)), g.init("c2", np.array([2, 6], np.float32))])

# POW: arith.mulf %[[X:.*]], %[[X]] : f32
# POW: math.powf
g.save(d, "pow",
       [g.node("Pow", ["x", "two"], ["sq"]), g.node("Pow", ["sq", "e"], ["y"])],
       [g.inp("x", [3]), g.inp("e", [3])], [g.out("y")],
       [g.init("two", np.array(2.0, np.float32))])

# Integer arithmetic uses the signed/unsigned integer ops.
# INT-LABEL: func.func @main(%arg0: tensor<4xi32>, %arg1: tensor<4xi32>, %arg2: tensor<4xi8>, %arg3: tensor<4xi8>)
# INT: arith.addi
# INT: arith.divsi
# INT: arith.divui
# INT: arith.maxui
g.save(d, "int",
       [g.node("Add", ["a", "b"], ["s"]), g.node("Div", ["s", "b"], ["y"]),
        g.node("Div", ["u", "v"], ["q"]), g.node("Relu", ["q"], ["z"])],
       [g.inp("a", [4], g.TensorProto.INT32), g.inp("b", [4], g.TensorProto.INT32),
        g.inp("u", [4], g.TensorProto.UINT8), g.inp("v", [4], g.TensorProto.UINT8)],
       [g.out("y", g.TensorProto.INT32), g.out("z", g.TensorProto.UINT8)])
