# Shape manipulation: Reshape (0 and -1), Flatten, Transpose, Concat, Split,
# Slice, Gather, Squeeze/Unsqueeze; Shape -> Gather -> Unsqueeze -> Concat ->
# Reshape chains fold at import time, also with a dynamic batch.
# RUN: %python %s %t
# RUN: quant-translate --import-onnx %t/reshape.onnx --strip-locations | FileCheck %s --check-prefix=RESHAPE
# RUN: quant-translate --import-onnx %t/chain.onnx --strip-locations | FileCheck %s --check-prefix=CHAIN
# RUN: quant-translate --import-onnx %t/chain_dyn.onnx --strip-locations | FileCheck %s --check-prefix=CHAINDYN
# RUN: quant-translate --import-onnx %t/chain_dyn.onnx --strip-locations --onnx-dim=N=4 | FileCheck %s --check-prefix=BOUND
# RUN: quant-translate --import-onnx %t/flatten.onnx --strip-locations | FileCheck %s --check-prefix=FLATTEN
# RUN: quant-translate --import-onnx %t/transpose.onnx --strip-locations | FileCheck %s --check-prefix=TRANSPOSE
# RUN: quant-translate --import-onnx %t/concat_split.onnx --strip-locations | FileCheck %s --check-prefix=CONCAT
# RUN: quant-translate --import-onnx %t/slice.onnx --strip-locations --mlir-print-local-scope | FileCheck %s --check-prefix=SLICE
# RUN: quant-translate --import-onnx %t/gather.onnx --strip-locations | FileCheck %s --check-prefix=GATHER
# RUN: quant-translate --import-onnx %t/squeeze.onnx --strip-locations | FileCheck %s --check-prefix=SQUEEZE
# RUN: quant-translate --import-onnx %t/squeeze11.onnx --strip-locations | FileCheck %s --check-prefix=SQUEEZE11
# RUN: quant-translate --import-onnx %t/weight_reshape.onnx --strip-locations | FileCheck %s --check-prefix=WRESHAPE

import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import onnxgen as g
np = g.np
I64 = g.TensorProto.INT64

d = g.setup()

def i64(*v):
    return np.array(v, np.int64)

# 0 copies the input dim, -1 is inferred.
# RESHAPE-LABEL: func.func @main(%arg0: tensor<2x3x4xf32>) -> tensor<2x12x1xf32>
# RESHAPE: tensor.collapse_shape %arg0 {{\[\[}}0], [1, 2]] : tensor<2x3x4xf32> into tensor<2x12xf32>
# RESHAPE: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [2, 12, 1] : tensor<2x12xf32> into tensor<2x12x1xf32>
g.save(d, "reshape", [g.node("Reshape", ["x", "s"], ["y"])], [g.inp("x", [2, 3, 4])], [g.out("y")],
       [g.init("s", i64(0, -1, 1))])

# x.view(x.size(0), -1) as PyTorch exports it: folded to one collapse.
CHAIN = [g.node("Shape", ["x"], ["sh"]), g.node("Gather", ["sh", "zero"], ["n"], axis=0),
         g.node("Unsqueeze", ["n", "ax0"], ["n1"]),
         g.node("Concat", ["n1", "minus1"], ["target"], axis=0),
         g.node("Reshape", ["x", "target"], ["y"])]
CHAIN_INITS = [g.init("zero", np.array(0, np.int64)), g.init("ax0", i64(0)), g.init("minus1", i64(-1))]
# CHAIN-LABEL: func.func @main(%arg0: tensor<2x3x4xf32>) -> tensor<2x12xf32>
# CHAIN-NEXT:    %[[C:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0], [1, 2]] : tensor<2x3x4xf32> into tensor<2x12xf32>
# CHAIN-NEXT:    return %[[C]]
g.save(d, "chain", CHAIN, [g.inp("x", [2, 3, 4])], [g.out("y")], CHAIN_INITS)
# CHAINDYN-LABEL: func.func @main(%arg0: tensor<?x3x4xf32>) -> tensor<?x12xf32>
# CHAINDYN-NEXT:    %[[C:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0], [1, 2]] : tensor<?x3x4xf32> into tensor<?x12xf32>
# CHAINDYN-NEXT:    return %[[C]]
# BOUND-LABEL: func.func @main(%arg0: tensor<4x3x4xf32>) -> tensor<4x12xf32>
g.save(d, "chain_dyn", CHAIN, [g.inp("x", ["N", 3, 4])], [g.out("y")], CHAIN_INITS)

# FLATTEN: tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2, 3]] : tensor<2x3x4x5xf32> into tensor<6x20xf32>
g.save(d, "flatten", [g.node("Flatten", ["x"], ["y"], axis=2)], [g.inp("x", [2, 3, 4, 5])], [g.out("y")])

# TRANSPOSE: linalg.transpose ins(%arg0 : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<4x2x3xf32>) permutation = [2, 0, 1]
g.save(d, "transpose", [g.node("Transpose", ["x"], ["y"], perm=[2, 0, 1])], [g.inp("x", [2, 3, 4])], [g.out("y")])

# CONCAT: %[[C:.*]] = tensor.concat dim(1) %arg0, %arg1 : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
# CONCAT: tensor.extract_slice %[[C]][0, 0] [2, 2] [1, 1] : tensor<2x8xf32> to tensor<2x2xf32>
# CONCAT: tensor.extract_slice %[[C]][0, 2] [2, 6] [1, 1] : tensor<2x8xf32> to tensor<2x6xf32>
g.save(d, "concat_split",
       [g.node("Concat", ["a", "b"], ["c"], axis=1), g.node("Split", ["c", "parts"], ["y", "z"], axis=-1)],
       [g.inp("a", [2, 3]), g.inp("b", [2, 5])], [g.out("y"), g.out("z")], [g.init("parts", i64(2, 6))])

# Negative steps take the elements in increasing order, then reverse.
# SLICE: %[[S:.*]] = tensor.extract_slice %arg0[1, 0] [2, 4] [1, 2] : tensor<4x8xf32> to tensor<2x4xf32>
# SLICE: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, -d1 + 3)>, affine_map<(d0, d1) -> (d0, d1)>]{{.*}} ins(%[[S]] : tensor<2x4xf32>)
g.save(d, "slice", [g.node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])],
       [g.inp("x", [4, 8])], [g.out("y")],
       [g.init("st", i64(1, -2)), g.init("en", i64(3, -100)), g.init("ax", i64(0, 1)), g.init("sp", i64(1, -2))])

# A scalar index is a slice; an arbitrary index list is a gathering generic.
# GATHER: %[[S:.*]] = tensor.extract_slice %arg0[0, 2] [3, 1] [1, 1] : tensor<3x5xf32> to tensor<3x1xf32>
# GATHER: tensor.collapse_shape %[[S]] {{\[\[}}0, 1]] : tensor<3x1xf32> into tensor<3xf32>
# GATHER: %[[I:.*]] = arith.constant dense<[4, 0, 4]> : tensor<3xi64>
# GATHER: linalg.generic {{.*}} ins(%[[I]] : tensor<3xi64>) outs(%{{.*}} : tensor<3x3xf32>)
# GATHER:   %[[IDX:.*]] = arith.index_cast %{{.*}} : i64 to index
# GATHER:   tensor.extract %arg0[%{{.*}}, %{{.*}}] : tensor<3x5xf32>
g.save(d, "gather",
       [g.node("Gather", ["x", "two"], ["y"], axis=1), g.node("Gather", ["x", "idx"], ["z"], axis=1)],
       [g.inp("x", [3, 5])], [g.out("y"), g.out("z")],
       [g.init("two", np.array(2, np.int64)), g.init("idx", i64(-1, 0, 4))])

# Squeeze/Unsqueeze with axes as inputs (opset 13) and attributes (opset 11).
# SQUEEZE: tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<1x3x4xf32> into tensor<3x4xf32>
# SQUEEZE: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [3, 4, 1] : tensor<3x4xf32> into tensor<3x4x1xf32>
g.save(d, "squeeze",
       [g.node("Squeeze", ["x", "a0"], ["s"]), g.node("Unsqueeze", ["s", "am1"], ["y"])],
       [g.inp("x", [1, 3, 4])], [g.out("y")], [g.init("a0", i64(0)), g.init("am1", i64(-1))])
# SQUEEZE11: tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2, 3]] : tensor<1x3x1x4xf32> into tensor<3x4xf32>
# SQUEEZE11: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [1, 3, 4] : tensor<3x4xf32> into tensor<1x3x4xf32>
g.save(d, "squeeze11",
       [g.node("Squeeze", ["x"], ["s"]), g.node("Unsqueeze", ["s"], ["y"], axes=[0])],
       [g.inp("x", [1, 3, 1, 4])], [g.out("y")], opset=11)

# Reshape/Transpose of a constant weight fold into a new constant.
# WRESHAPE-NOT: tensor.expand_shape
# WRESHAPE-NOT: linalg.transpose
# WRESHAPE: %[[W:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 2.000000e+00, 4.000000e+00], [1.000000e+00, 3.000000e+00, 5.000000e+00]]> : tensor<2x3xf32>
# WRESHAPE: linalg.matmul ins(%arg0, %[[W]] : tensor<4x2xf32>, tensor<2x3xf32>)
g.save(d, "weight_reshape",
       [g.node("Reshape", ["w", "s"], ["w2"]), g.node("Transpose", ["w2"], ["wt"]),
        g.node("MatMul", ["x", "wt"], ["y"])],
       [g.inp("x", [4, 2])], [g.out("y")],
       [g.init("w", np.arange(6, dtype=np.float32)), g.init("s", i64(3, 2))])
