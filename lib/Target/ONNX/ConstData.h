//===- ConstData.h - Tensors known at import time ---------------*- C++ -*-===//
//
// The ONNX importer keeps every tensor whose contents are known while it walks
// the graph (initializers, Constant nodes, shape computations, ops on weights)
// as a ConstData: an ONNX element type, a static shape and little-endian
// element bytes. Folding helpers here compute ops on them; results that reach
// an op the importer cannot fold are materialized as `arith.constant`s.
//
// Symbolic values: `Shape` of a tensor with a dynamic (dim_param) dimension
// yields an int64 tensor whose entry for that dimension is a symbol. Symbols
// travel through Gather/Concat/Slice/Unsqueeze/Squeeze and are understood by
// Reshape; arithmetic on them is not folded.
//
//===----------------------------------------------------------------------===//
#ifndef QC_LIB_TARGET_ONNX_CONSTDATA_H
#define QC_LIB_TARGET_ONNX_CONSTDATA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace qc::onnx_import {

/// ONNX TensorProto.DataType codes the importer understands.
enum DType : int {
  DT_UNDEFINED = 0,
  DT_FLOAT = 1,
  DT_UINT8 = 2,
  DT_INT8 = 3,
  DT_UINT16 = 4,
  DT_INT16 = 5,
  DT_INT32 = 6,
  DT_INT64 = 7,
  DT_STRING = 8,
  DT_BOOL = 9,
  DT_FLOAT16 = 10,
  DT_DOUBLE = 11,
  DT_UINT32 = 12,
  DT_UINT64 = 13,
  DT_COMPLEX64 = 14,
  DT_COMPLEX128 = 15,
  DT_BFLOAT16 = 16,
};

bool isSupportedDType(int dtype);
bool isFloatDType(int dtype);
bool isUnsignedDType(int dtype);
/// Integer or bool.
bool isIntegerDType(int dtype);
/// Bytes per element (bool: 1).
unsigned dtypeBytes(int dtype);
/// Bits of the MLIR element type (bool: 1).
unsigned dtypeBits(int dtype);
/// "float32", "int64", ... for messages.
std::string dtypeName(int dtype);

/// A tensor shape: entries >= 0 are static sizes, entries < 0 are symbolic
/// dimensions (symbol id s is stored as -1 - s).
using Shape = llvm::SmallVector<int64_t, 6>;
inline bool isSymDim(int64_t d) { return d < 0; }
inline int64_t symDim(int sym) { return -1 - sym; }
inline int dimSym(int64_t d) { return static_cast<int>(-1 - d); }

/// Symbolic values inside int64 shape tensors.
constexpr int kMaxSymbols = 4096;
inline int64_t symValue(int sym) {
  return std::numeric_limits<int64_t>::min() + 1 + sym;
}
inline bool isSymValue(int64_t v) {
  return v > std::numeric_limits<int64_t>::min() &&
         v <= std::numeric_limits<int64_t>::min() + kMaxSymbols;
}
inline int valueSym(int64_t v) {
  return static_cast<int>(v - std::numeric_limits<int64_t>::min() - 1);
}
/// Shape entry <-> value of a shape tensor.
inline int64_t dimToValue(int64_t d) { return isSymDim(d) ? symValue(dimSym(d)) : d; }

/// Number of elements; -1 if the shape has a symbolic dimension.
int64_t numElements(llvm::ArrayRef<int64_t> shape);
std::string shapeToString(llvm::ArrayRef<int64_t> shape);

class ConstData;
using ConstPtr = std::shared_ptr<const ConstData>;

class ConstData {
public:
  int dtype = DT_UNDEFINED;
  Shape shape;
  std::vector<uint8_t> bytes;

  /// A zero-filled tensor.
  static std::shared_ptr<ConstData> create(int dtype,
                                           llvm::ArrayRef<int64_t> shape);

  int64_t numel() const;
  /// Element i converted to double / int64 (floats truncate toward zero).
  double getF(int64_t i) const;
  int64_t getI(int64_t i) const;
  /// Stores v converted to this tensor's element type.
  void setF(int64_t i, double v);
  void setI(int64_t i, int64_t v);
  /// True if some int64 element encodes a symbolic dimension.
  bool hasSymbols() const;
  /// All int values (for shape-like inputs).
  std::vector<int64_t> toInts() const;
  std::vector<double> toDoubles() const;
  /// True if every element has the same bytes.
  bool isSplat() const;
};

/// Folding helpers. All inputs have static shapes.
ConstPtr foldReshape(const ConstData &x, llvm::ArrayRef<int64_t> shape);
ConstPtr foldTranspose(const ConstData &x, llvm::ArrayRef<int64_t> perm);
ConstPtr foldConcat(llvm::ArrayRef<const ConstData *> xs, int64_t axis);
/// Per dimension: first index, element count and step (step may be < 0).
ConstPtr foldSlice(const ConstData &x, llvm::ArrayRef<int64_t> starts,
                   llvm::ArrayRef<int64_t> counts,
                   llvm::ArrayRef<int64_t> steps);
/// `indices` already normalized to [0, dim).
ConstPtr foldGather(const ConstData &x, const ConstData &indices, int64_t axis);
ConstPtr foldCast(const ConstData &x, int toDtype);
/// Numpy-broadcasting elementwise fold. Exactly one of fop/iop is used,
/// chosen by `computeInFloat`.
ConstPtr foldElementwise(
    llvm::ArrayRef<const ConstData *> xs, llvm::ArrayRef<int64_t> outShape,
    int outDtype, bool computeInFloat,
    llvm::function_ref<double(llvm::ArrayRef<double>)> fop,
    llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> iop);
/// Broadcasts x to outShape (numpy rules, already checked).
ConstPtr foldBroadcast(const ConstData &x, llvm::ArrayRef<int64_t> outShape);

} // namespace qc::onnx_import

#endif // QC_LIB_TARGET_ONNX_CONSTDATA_H
