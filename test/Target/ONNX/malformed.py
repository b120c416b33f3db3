# Bad input never crashes: truncated/corrupt files, unsupported ops, missing
# inputs and inconsistent shapes are reported with the file and node name.
# RUN: %python %s %t
# RUN: not quant-translate --import-onnx %t/truncated.onnx 2>&1 | FileCheck %s --check-prefix=TRUNC
# RUN: not quant-translate --import-onnx %t/random.onnx 2>&1 | FileCheck %s --check-prefix=RANDOM
# RUN: not quant-translate --import-onnx %t/empty.onnx 2>&1 | FileCheck %s --check-prefix=EMPTY
# RUN: not quant-translate --import-onnx %t/does_not_exist.onnx 2>&1 | FileCheck %s --check-prefix=NOFILE
# RUN: not quant-translate --import-onnx %t/tensor_not_model.onnx 2>&1 | FileCheck %s --check-prefix=NOTMODEL
# RUN: not quant-translate --import-onnx %t/no_graph.onnx 2>&1 | FileCheck %s --check-prefix=NOGRAPH
# RUN: not quant-translate --import-onnx %t/unsupported.onnx 2>&1 | FileCheck %s --check-prefix=UNSUP
# RUN: not quant-translate --import-onnx %t/custom_domain.onnx 2>&1 | FileCheck %s --check-prefix=DOMAIN
# RUN: not quant-translate --import-onnx %t/missing_input.onnx 2>&1 | FileCheck %s --check-prefix=MISSING
# RUN: not quant-translate --import-onnx %t/missing_output.onnx 2>&1 | FileCheck %s --check-prefix=NOOUT
# RUN: not quant-translate --import-onnx %t/bad_raw_data.onnx 2>&1 | FileCheck %s --check-prefix=RAW
# RUN: not quant-translate --import-onnx %t/broadcast.onnx 2>&1 | FileCheck %s --check-prefix=BCAST
# RUN: not quant-translate --import-onnx %t/matmul.onnx 2>&1 | FileCheck %s --check-prefix=MATMUL
# RUN: not quant-translate --import-onnx %t/reshape.onnx 2>&1 | FileCheck %s --check-prefix=RESHAPE
# RUN: not quant-translate --import-onnx %t/declared_output.onnx 2>&1 | FileCheck %s --check-prefix=DECL
# RUN: not quant-translate --import-onnx %t/no_opset.onnx 2>&1 | FileCheck %s --check-prefix=OPSET
# RUN: not quant-translate --import-onnx %t/no_shape.onnx 2>&1 | FileCheck %s --check-prefix=NOSHAPE
# RUN: not quant-translate --import-onnx %t/dyn_reshape.onnx 2>&1 | FileCheck %s --check-prefix=DYNSHAPE
# RUN: not quant-translate --import-onnx %t/bad_attr.onnx 2>&1 | FileCheck %s --check-prefix=ATTR
# RUN: not quant-translate %t/good.onnx 2>&1 | FileCheck %s --check-prefix=NOACTION

import os
import random
import sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import onnxgen as g
from onnx import TensorProto, helper

d = g.setup()

def write(name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

good = g.model([g.node("Conv", ["x", "w"], ["y"], name="conv")],
               [g.inp("x", [1, 3, 8, 8])], [g.out("y")],
               [g.init("w", g.rand(4, 3, 3, 3))])
data = good.SerializeToString()
write("good.onnx", data)

# TRUNC: truncated.onnx: error: '{{.*}}truncated.onnx' is not a valid ONNX model: protobuf parsing failed (truncated or corrupt file?)
write("truncated.onnx", data[: len(data) // 2])

# RANDOM: random.onnx: error: '{{.*}}random.onnx' is not a valid ONNX model
rng = random.Random(1234)
write("random.onnx", bytes(rng.getrandbits(8) for _ in range(4096)))

# EMPTY: empty.onnx: error: '{{.*}}empty.onnx' is empty, not an ONNX model
write("empty.onnx", b"")

# NOFILE: error: cannot open '{{.*}}does_not_exist.onnx'
# A valid protobuf of another message type (a TensorProto).
# NOTMODEL: tensor_not_model.onnx: error: '{{.*}}' is not a valid ONNX model
write("tensor_not_model.onnx", g.init("t", g.rand(2, 2)).SerializeToString())

# A ModelProto without a graph.
# NOGRAPH: error: '{{.*}}no_graph.onnx' is not a valid ONNX model: missing graph
import onnx
write("no_graph.onnx", onnx.ModelProto(ir_version=8).SerializeToString())

# UNSUP: unsupported.onnx: error: unsupported ONNX operator 'NonMaxSuppression' in node 'nms' (opset 13)
g.save(d, "unsupported", [g.node("NonMaxSuppression", ["b", "s"], ["y"], name="nms")],
       [g.inp("b", [1, 4, 4]), g.inp("s", [1, 1, 4])], [g.out("y", TensorProto.INT64)])

# DOMAIN: error: unsupported ONNX operator 'com.example.Frobnicate' in node 'f' (opset 13)
m = g.model([helper.make_node("Frobnicate", ["x"], ["y"], name="f", domain="com.example")],
            [g.inp("x", [2])], [g.out("y")])
m.opset_import.append(helper.make_opsetid("com.example", 1))
write("custom_domain.onnx", m.SerializeToString())

# MISSING: error: node 'add' (Add, opset 13): input #1 'nowhere' is not defined by a graph input, an initializer or an earlier node
g.save(d, "missing_input", [g.node("Add", ["x", "nowhere"], ["y"], name="add")],
       [g.inp("x", [2])], [g.out("y")])

# NOOUT: error: graph output 'z' is not produced by any node, input or initializer
g.save(d, "missing_output", [g.node("Relu", ["x"], ["y"])], [g.inp("x", [2])], [g.out("z")])

# RAW: error: initializer 'w' of shape [4, 3, 3, 3] and type float32 has 100 bytes of raw_data, expected 432
bad = g.model([g.node("Conv", ["x", "w"], ["y"])], [g.inp("x", [1, 3, 8, 8])], [g.out("y")],
              [g.init("w", g.rand(4, 3, 3, 3))])
bad.graph.initializer[0].raw_data = bad.graph.initializer[0].raw_data[:100]
write("bad_raw_data.onnx", bad.SerializeToString())

# BCAST: error: node 'sum' (Add, opset 13): inconsistent shapes: cannot broadcast [2, 3] and [4]
g.save(d, "broadcast", [g.node("Add", ["a", "b"], ["y"], name="sum")],
       [g.inp("a", [2, 3]), g.inp("b", [4])], [g.out("y")])

# MATMUL: error: node 'mm' (MatMul, opset 13): inconsistent shapes: [2, 3] x [4, 5] (inner dimensions differ)
g.save(d, "matmul", [g.node("MatMul", ["a", "b"], ["y"], name="mm")],
       [g.inp("a", [2, 3]), g.inp("b", [4, 5])], [g.out("y")])

# RESHAPE: error: node 'r' (Reshape, opset 13): inconsistent shapes: cannot reshape [2, 3] to [4, -1]
g.save(d, "reshape", [g.node("Reshape", ["a", "s"], ["y"], name="r")],
       [g.inp("a", [2, 3])], [g.out("y")], [g.init("s", g.np.array([4, -1], g.np.int64))])

# DECL: error: graph output 'y' is declared with shape [1, 5] but the graph computes [1, 4]
g.save(d, "declared_output", [g.node("Relu", ["x"], ["y"])], [g.inp("x", [1, 4])],
       [g.out("y", shape=[1, 5])])

# OPSET: error: '{{.*}}no_opset.onnx' declares no opset for the default ONNX domain
m = g.model([g.node("Relu", ["x"], ["y"])], [g.inp("x", [2])], [g.out("y")])
del m.opset_import[:]
write("no_opset.onnx", m.SerializeToString())

# NOSHAPE: error: graph input 'x' has no shape; the importer needs ranked inputs
g.save(d, "no_shape", [g.node("Relu", ["x"], ["y"])],
       [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)], [g.out("y")])

# DYNSHAPE: error: node 'r' (Reshape, opset 13): shape ('s') must be known at import time (a constant or a foldable shape computation)
g.save(d, "dyn_reshape", [g.node("Reshape", ["x", "s"], ["y"], name="r")],
       [g.inp("x", [2, 3]), g.inp("s", [2], TensorProto.INT64)], [g.out("y")])

# ATTR: error: node 'p' (MaxPool, opset 13): attribute 'kernel_shape' must be a list of integers
g.save(d, "bad_attr", [g.node("MaxPool", ["x"], ["y"], name="p", kernel_shape="3x3")],
       [g.inp("x", [1, 1, 4, 4])], [g.out("y")])

# NOACTION: error: no translation selected (use --import-onnx)
