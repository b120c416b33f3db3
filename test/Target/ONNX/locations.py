# Every op created for an ONNX node carries NameLoc(<node name>) around
# FileLineColLoc(<file>, <node index + 1>, 0); unnamed nodes use their first
# output name, duplicate names are made unique; constants and arguments are
# named after their tensors (line 0).
# RUN: %python %s %t
# RUN: quant-translate --import-onnx %t/names.onnx --mlir-print-local-scope | FileCheck %s
# RUN: quant-translate --import-onnx %t/names.onnx --strip-locations | FileCheck %s --check-prefix=STRIP
# RUN: quant-translate --import-onnx %t/names.onnx --onnx-func-name= | FileCheck %s --check-prefix=GRAPHNAME
# RUN: quant-translate --import-onnx %t/names.onnx --onnx-func-name=forward | FileCheck %s --check-prefix=FWD

import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import onnxgen as g

d = g.setup()

# CHECK-LABEL: func.func @main(%arg0: tensor<2x3xf32> loc("x"("{{.*}}names.onnx":0:0)))
# Node 1 "relu_a".
# CHECK:       tensor.empty() : tensor<2x3xf32> loc("relu_a"("{{.*}}names.onnx":1:0))
# CHECK:       arith.maximumf {{.*}} loc("relu_a"("{{.*}}names.onnx":1:0))
# CHECK:       linalg.yield {{.*}} loc("relu_a"(
# CHECK:       } -> tensor<2x3xf32> loc("relu_a"("{{.*}}names.onnx":1:0))
# Node 2 has no name: its output "t2" names it.
# CHECK:       %[[B:.*]] = arith.constant dense<{{.*}}> : tensor<3xf32> loc("bias"("{{.*}}names.onnx":0:0))
# CHECK:       arith.addf {{.*}} loc("t2"("{{.*}}names.onnx":2:0))
# CHECK:       } -> tensor<2x3xf32> loc("t2"("{{.*}}names.onnx":2:0))
# Node 3 reuses the name "relu_a": made unique with its output name.
# CHECK:       } -> tensor<2x3xf32> loc("relu_a/y"("{{.*}}names.onnx":3:0))
# CHECK:       return {{.*}} loc("{{.*}}names.onnx":0:0)
# STRIP-NOT: loc(
# GRAPHNAME: func.func @my_graph(
# FWD: func.func @forward(
g.save(d, "names",
       [g.node("Relu", ["x"], ["t1"], name="relu_a"),
        g.node("Add", ["t1", "bias"], ["t2"]),
        g.node("Relu", ["t2"], ["y"], name="relu_a")],
       [g.inp("x", [2, 3])], [g.out("y")],
       [g.init("bias", g.np.array([1, 2, 3], g.np.float32))], graph_name="my_graph")
