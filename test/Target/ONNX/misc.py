# Pad (constant/edge/reflect, attribute and input forms), Constant,
# Identity, Dropout (inference), Cast, ConstantOfShape, Expand, external
# tensor data, dense vs dense_resource constants.
# RUN: %python %s %t
# RUN: quant-translate --import-onnx %t/pad.onnx --strip-locations | FileCheck %s --check-prefix=PAD
# RUN: quant-translate --import-onnx %t/pad2.onnx --strip-locations | FileCheck %s --check-prefix=PAD2
# RUN: quant-translate --import-onnx %t/pad_edge.onnx --strip-locations | FileCheck %s --check-prefix=EDGE
# RUN: quant-translate --import-onnx %t/pad_reflect.onnx --strip-locations | FileCheck %s --check-prefix=REFLECT
# RUN: quant-translate --import-onnx %t/passthrough.onnx --strip-locations | FileCheck %s --check-prefix=PASS
# RUN: quant-translate --import-onnx %t/constants.onnx --strip-locations | FileCheck %s --check-prefix=CONST
# RUN: quant-translate --import-onnx %t/cast.onnx --strip-locations | FileCheck %s --check-prefix=CAST
# RUN: quant-translate --import-onnx %t/expand.onnx --strip-locations | FileCheck %s --check-prefix=EXPAND
# RUN: quant-translate --import-onnx %t/external.onnx --strip-locations | FileCheck %s --check-prefix=EXTERNAL
# RUN: quant-translate --import-onnx %t/external.onnx --strip-locations --onnx-max-dense-elements=-1 | FileCheck %s --check-prefix=DENSE
# RUN: rm %t/weights.bin
# RUN: not quant-translate --import-onnx %t/external.onnx 2>&1 | FileCheck %s --check-prefix=NOEXT

import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import onnxgen as g
import onnx
np = g.np
TP = g.TensorProto

d = g.setup()
i64 = lambda *v: np.array(v, np.int64)

# Opset 2..10: pads and value are attributes.
# PAD: %[[V:.*]] = arith.constant 1.500000e+00 : f32
# PAD: tensor.pad %arg0 low[0, 1] high[2, 0]
# PAD:   tensor.yield %[[V]] : f32
# PAD: } : tensor<2x3xf32> to tensor<4x4xf32>
g.save(d, "pad", [g.node("Pad", ["x"], ["y"], pads=[0, 1, 2, 0], value=1.5)],
       [g.inp("x", [2, 3])], [g.out("y")], opset=10)
# From opset 11 they are inputs; negative pads crop.
# PAD2: %[[S:.*]] = tensor.extract_slice %arg0[0, 1] [2, 2] [1, 1] : tensor<2x3xf32> to tensor<2x2xf32>
# PAD2: tensor.pad %[[S]] low[1, 0] high[0, 0]
# PAD2: } : tensor<2x2xf32> to tensor<3x2xf32>
g.save(d, "pad2", [g.node("Pad", ["x", "p"], ["y"])], [g.inp("x", [2, 3])], [g.out("y")],
       [g.init("p", i64(1, -1, 0, 0))])
# EDGE: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x7xf32>)
# EDGE:   linalg.index 1
# EDGE:   arith.maxsi
# EDGE:   arith.minsi
# EDGE:   tensor.extract %arg0
g.save(d, "pad_edge", [g.node("Pad", ["x", "p"], ["y"], mode="edge")], [g.inp("x", [2, 3])], [g.out("y")],
       [g.init("p", i64(0, 2, 0, 2))])
# REFLECT: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x5xf32>)
# REFLECT:   tensor.extract %arg0
g.save(d, "pad_reflect", [g.node("Pad", ["x", "p"], ["y"], mode="reflect")], [g.inp("x", [2, 3])], [g.out("y")],
       [g.init("p", i64(0, 1, 0, 1))])

# Identity and Dropout are the input; Dropout's mask is all true.
# PASS-LABEL: func.func @main(%arg0: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xi1>)
# PASS-NEXT:    %[[T:.*]] = arith.constant dense<true> : tensor<2x3xi1>
# PASS-NEXT:    return %arg0, %[[T]]
g.save(d, "passthrough",
       [g.node("Identity", ["x"], ["a"]), g.node("Dropout", ["a", "r"], ["y", "mask"])],
       [g.inp("x", [2, 3])], [g.out("y"), g.out("mask", TP.BOOL)], [g.init("r", np.array(0.3, np.float32))])

# Constant nodes in all forms; ConstantOfShape; Range.
# CONST-LABEL: func.func @main() -> (tensor<2x2xf32>, tensor<f32>, tensor<3xi64>, tensor<2x3xi32>, tensor<4xf32>)
# CONST-DAG: arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
# CONST-DAG: arith.constant dense<2.500000e+00> : tensor<f32>
# CONST-DAG: arith.constant dense<[7, 8, 9]> : tensor<3xi64>
# CONST-DAG: arith.constant dense<5> : tensor<2x3xi32>
# CONST-DAG: arith.constant dense<[1.000000e+00, 1.500000e+00, 2.000000e+00, 2.500000e+00]> : tensor<4xf32>
g.save(d, "constants",
       [g.node("Constant", [], ["a"], value=onnx.helper.make_tensor("v", TP.FLOAT, [2, 2], [1, 2, 3, 4])),
        g.node("Constant", [], ["b"], value_float=2.5),
        g.node("Constant", [], ["c"], value_ints=[7, 8, 9]),
        g.node("ConstantOfShape", ["shape"], ["e"], value=onnx.helper.make_tensor("v", TP.INT32, [1], [5])),
        g.node("Range", ["start", "limit", "delta"], ["f"])],
       [], [g.out("a"), g.out("b"), g.out("c", TP.INT64), g.out("e", TP.INT32), g.out("f")],
       [g.init("shape", i64(2, 3)), g.init("start", np.array(1, np.float32)),
        g.init("limit", np.array(3, np.float32)), g.init("delta", np.array(0.5, np.float32))])

# CAST: arith.fptosi %{{.*}} : f32 to i32
# CAST: arith.sitofp %{{.*}} : i32 to f16
# CAST: arith.extf %{{.*}} : f16 to f32
g.save(d, "cast",
       [g.node("Cast", ["x"], ["i"], to=TP.INT32), g.node("Cast", ["i"], ["h"], to=TP.FLOAT16),
        g.node("Cast", ["h"], ["y"], to=TP.FLOAT)],
       [g.inp("x", [4])], [g.out("y")])

# EXPAND: linalg.generic {{.*}} ins(%arg0 : tensor<3x1xf32>) outs(%{{.*}} : tensor<2x3x4xf32>)
g.save(d, "expand", [g.node("Expand", ["x", "s"], ["y"])], [g.inp("x", [3, 1])], [g.out("y")],
       [g.init("s", i64(2, 1, 4))])

# Weights stored outside the model file; large ones become resources.
# EXTERNAL: arith.constant dense_resource<w> : tensor<8x10xf32>
# EXTERNAL: dialect_resources
# EXTERNAL:   w: "0x
# DENSE-NOT: dense_resource
# DENSE: arith.constant dense<{{\[\[}}0.000000e+00, 1.000000e+00, 2.000000e+00
# NOEXT: error: initializer 'w': cannot read external data '{{.*}}weights.bin'
m = g.model([g.node("MatMul", ["x", "w"], ["y"])], [g.inp("x", [2, 8])], [g.out("y")],
            [g.init("w", np.arange(80, dtype=np.float32).reshape(8, 10))])
onnx.save_model(m, os.path.join(d, "external.onnx"), save_as_external_data=True,
                all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
