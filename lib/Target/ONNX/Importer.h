//===- Importer.h - ONNX graph importer internals ---------------*- C++ -*-===//
//
// One Importer walks one ONNX graph in node order. Every tensor name maps to a
// TensorValue (element type, shape, SSA value and/or contents known at import
// time). Op handlers (Ops*.cpp) read inputs/attributes of the current node,
// fold when every input is known, and otherwise emit linalg/tensor/arith/math
// IR at the node's location.
//
//===----------------------------------------------------------------------===//
#ifndef QC_LIB_TARGET_ONNX_IMPORTER_H
#define QC_LIB_TARGET_ONNX_IMPORTER_H

#include "ConstData.h"
#include "qc/Target/ONNX/ONNXImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

#include <functional>
#include <optional>

namespace qc::onnx_import {

/// An ONNX tensor during import.
struct TensorValue {
  int dtype = DT_UNDEFINED;
  Shape shape;
  /// The SSA value; null for a known tensor not materialized yet.
  mlir::Value value;
  /// Contents known at import time (initializers, folded results).
  ConstPtr cst;
  /// ONNX tensor name.
  std::string name;
  /// Location given to the constant when it is materialized.
  std::optional<mlir::Location> loc;

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  bool isConst() const { return cst != nullptr; }
};

/// A scalar operand inlined into a linalg.generic body.
struct Scalar {
  int dtype;
  double f;
  int64_t i;
};

using BodyFn = std::function<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                         llvm::ArrayRef<mlir::Value>)>;
/// Reduction combiner: (builder, loc, element, accumulator) -> new accumulator.
using CombineFn = std::function<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                            mlir::Value, mlir::Value)>;

class Importer {
public:
  Importer(mlir::MLIRContext *ctx, const ONNXImportOptions &options,
           llvm::StringRef fileName);

  mlir::OwningOpRef<mlir::ModuleOp> importModel(const onnx::ModelProto &model);

  //===--------------------------------------------------------------------===//
  // Current node.
  //===--------------------------------------------------------------------===//
  const onnx::NodeProto *node = nullptr;
  std::string nodeName;
  int opset = 0;
  int nodeIndex = -1;
  mlir::Location loc;

  /// Error prefixed with "node '<name>' (<OpType>, opset <N>): ".
  mlir::InFlightDiagnostic nodeError();
  mlir::LogicalResult fail(const llvm::Twine &msg);

  unsigned numInputs() const;
  /// The i-th input, or null if absent (beyond the list or empty name).
  TensorValue *input(unsigned i);
  /// The i-th input; reports an error if it is absent.
  mlir::FailureOr<TensorValue *> required(unsigned i);
  bool hasOutput(unsigned i) const;
  /// Binds output i (a no-op for an absent optional output).
  mlir::LogicalResult setOutput(unsigned i, TensorValue t);

  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  mlir::FailureOr<int64_t> attrInt(llvm::StringRef name, int64_t dflt);
  mlir::FailureOr<float> attrFloat(llvm::StringRef name, float dflt);
  mlir::FailureOr<std::string> attrString(llvm::StringRef name,
                                          llvm::StringRef dflt);
  /// Missing attribute: std::nullopt.
  mlir::FailureOr<std::optional<llvm::SmallVector<int64_t>>>
  attrInts(llvm::StringRef name);
  mlir::FailureOr<std::optional<llvm::SmallVector<float>>>
  attrFloats(llvm::StringRef name);

  /// Contents of a constant (foldable) input as int64 values; reports an
  /// error naming `what` if the input is not known at import time.
  mlir::FailureOr<llvm::SmallVector<int64_t>> constInts(TensorValue *t,
                                                       llvm::StringRef what);
  mlir::FailureOr<double> constScalar(TensorValue *t, llvm::StringRef what);
  /// Normalizes a possibly negative axis for a given rank.
  mlir::FailureOr<int64_t> normAxis(int64_t axis, int64_t rank,
                                    llvm::StringRef what = "axis");

  //===--------------------------------------------------------------------===//
  // IR helpers (Builders.cpp).
  //===--------------------------------------------------------------------===//
  mlir::MLIRContext *ctx;
  mlir::OpBuilder b;

  mlir::Type elemType(int dtype);
  mlir::RankedTensorType tensorType(llvm::ArrayRef<int64_t> shape, int dtype);
  /// The SSA value of t, materializing a known tensor as a constant.
  mlir::Value valueOf(TensorValue &t);
  mlir::Value materializeConst(const ConstData &c, mlir::Location at,
                               llvm::StringRef name);
  /// `index` value of a symbolic dimension.
  mlir::Value symbolSize(int sym);
  llvm::SmallVector<mlir::OpFoldResult> mixedSizes(llvm::ArrayRef<int64_t> shape);
  mlir::Value emptyTensor(llvm::ArrayRef<int64_t> shape, int dtype);
  mlir::Value scalarConst(mlir::OpBuilder &ob, mlir::Location l, int dtype,
                          double v);
  mlir::Value scalarConst(mlir::OpBuilder &ob, mlir::Location l,
                          const Scalar &s);
  mlir::Value filled(llvm::ArrayRef<int64_t> shape, const Scalar &v);
  mlir::Value filled(llvm::ArrayRef<int64_t> shape, int dtype, double v);
  /// Lowest / highest value of a type (-inf/+inf for floats): max/min inits.
  static Scalar lowest(int dtype);
  static Scalar highest(int dtype);
  static Scalar scalarOf(int dtype, double v);

  /// Reshape between shapes with equal element counts (expand/collapse_shape
  /// where possible, tensor.reshape otherwise).
  mlir::Value reshapeValue(mlir::Value v, llvm::ArrayRef<int64_t> from,
                           llvm::ArrayRef<int64_t> to, int dtype);
  mlir::Value transposeValue(mlir::Value v, llvm::ArrayRef<int64_t> shape,
                             llvm::ArrayRef<int64_t> perm, int dtype);
  /// Pads with a constant (low/high per dim; all >= 0).
  mlir::Value padValue(mlir::Value v, llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                       int dtype, double padValue);

  /// Numpy broadcast of shapes; reports an error on mismatch.
  mlir::FailureOr<Shape> broadcastShapes(llvm::ArrayRef<Shape> shapes);
  /// Elementwise linalg.generic over broadcast inputs. Single-element known
  /// inputs are inlined as scalar constants in the body.
  mlir::FailureOr<TensorValue> elementwise(llvm::ArrayRef<TensorValue *> ins,
                                           int outDtype, const BodyFn &body);
  /// Elementwise generic over explicit operands/maps (general helper).
  mlir::Value genericOp(llvm::ArrayRef<mlir::Value> ins,
                        llvm::ArrayRef<mlir::AffineMap> inMaps,
                        llvm::ArrayRef<int64_t> outShape, int outDtype,
                        const BodyFn &body);
  /// Reduces `dims` of x (shape xShape) with `combine`, starting at `init`.
  /// Result drops the reduced dims.
  mlir::Value reduce(mlir::Value x, llvm::ArrayRef<int64_t> xShape, int dtype,
                     llvm::ArrayRef<int64_t> dims, const Scalar &init,
                     const CombineFn &combine);
  /// Map from a rank-`rank` iteration space that drops `dims`.
  mlir::AffineMap dropDimsMap(unsigned rank, llvm::ArrayRef<int64_t> dims);
  /// Map for an operand of shape `inShape` broadcast into `outShape`.
  mlir::AffineMap broadcastMap(llvm::ArrayRef<int64_t> inShape,
                               llvm::ArrayRef<int64_t> outShape);

  /// Arithmetic on scalars of a given ONNX type.
  mlir::Value add(mlir::OpBuilder &ob, mlir::Location l, int dt, mlir::Value a,
                  mlir::Value c);
  mlir::Value sub(mlir::OpBuilder &ob, mlir::Location l, int dt, mlir::Value a,
                  mlir::Value c);
  mlir::Value mul(mlir::OpBuilder &ob, mlir::Location l, int dt, mlir::Value a,
                  mlir::Value c);
  mlir::Value div(mlir::OpBuilder &ob, mlir::Location l, int dt, mlir::Value a,
                  mlir::Value c);
  mlir::Value max(mlir::OpBuilder &ob, mlir::Location l, int dt, mlir::Value a,
                  mlir::Value c);
  mlir::Value min(mlir::OpBuilder &ob, mlir::Location l, int dt, mlir::Value a,
                  mlir::Value c);
  mlir::Value convert(mlir::OpBuilder &ob, mlir::Location l, mlir::Value v,
                      int fromDt, int toDt);

  /// A TensorValue for a freshly computed SSA value.
  TensorValue result(mlir::Value v, int dtype, llvm::ArrayRef<int64_t> shape);
  TensorValue known(ConstPtr c);

  //===--------------------------------------------------------------------===//
  // Op handlers (Ops*.cpp).
  //===--------------------------------------------------------------------===//
  using Handler = mlir::LogicalResult (Importer::*)();
  static const llvm::StringMap<Handler> &handlers();

  // Elementwise (OpsElementwise.cpp).
  mlir::LogicalResult importBinaryArith();
  mlir::LogicalResult importPow();
  mlir::LogicalResult importVariadic();
  mlir::LogicalResult importUnary();
  mlir::LogicalResult importRelu();
  mlir::LogicalResult importLeakyRelu();
  mlir::LogicalResult importClip();
  mlir::LogicalResult importCast();
  mlir::LogicalResult importCompare();
  mlir::LogicalResult importWhere();
  mlir::LogicalResult importNot();
  mlir::LogicalResult importIdentity();
  mlir::LogicalResult importDropout();
  mlir::LogicalResult importConstant();
  mlir::LogicalResult importConstantOfShape();
  mlir::LogicalResult importRange();
  // NN (OpsNN.cpp).
  mlir::LogicalResult importConv();
  mlir::LogicalResult importPool();
  mlir::LogicalResult importGlobalPool();
  mlir::LogicalResult importGemm();
  mlir::LogicalResult importMatMul();
  mlir::LogicalResult importSoftmax();
  mlir::LogicalResult importBatchNorm();
  mlir::LogicalResult importLayerNorm();
  mlir::LogicalResult importReduce();
  // Shape manipulation (OpsShape.cpp).
  mlir::LogicalResult importReshape();
  mlir::LogicalResult importFlatten();
  mlir::LogicalResult importTranspose();
  mlir::LogicalResult importConcat();
  mlir::LogicalResult importSplit();
  mlir::LogicalResult importSlice();
  mlir::LogicalResult importGather();
  mlir::LogicalResult importShape();
  mlir::LogicalResult importSize();
  mlir::LogicalResult importUnsqueeze();
  mlir::LogicalResult importSqueeze();
  mlir::LogicalResult importPad();
  mlir::LogicalResult importExpand();

  /// Shared by Gemm and MatMul: C[M,N] = A[M,K] x B[K,N] (2-D values).
  mlir::Value matmul2D(mlir::Value a, mlir::Value bm, int64_t m, int64_t n,
                       int dtype);

private:
  const ONNXImportOptions &options;
  std::string fileName;
  std::string modelDir;
  mlir::ModuleOp module;
  mlir::func::FuncOp func;
  llvm::StringMap<TensorValue> env;
  llvm::StringSet<> usedNodeNames;
  /// Symbol id -> (function argument, dim) it is read from.
  llvm::SmallVector<std::pair<mlir::Value, int64_t>> symbolSources;
  llvm::DenseMap<int, mlir::Value> symbolValues;
  llvm::StringMap<int> dimParamSymbols;

  mlir::LogicalResult importGraph(const onnx::GraphProto &graph);
  mlir::LogicalResult importNode(const onnx::NodeProto &n, int index);
  mlir::FailureOr<ConstPtr> parseTensor(const onnx::TensorProto &t,
                                        llvm::StringRef what);
  mlir::FailureOr<Shape> parseValueInfoShape(const onnx::ValueInfoProto &vi,
                                             int argIndex, int *dtypeOut);
  mlir::Location tensorLoc(llvm::StringRef name);
  std::string uniqueNodeName(const onnx::NodeProto &n);
};

} // namespace qc::onnx_import

#endif // QC_LIB_TARGET_ONNX_IMPORTER_H
