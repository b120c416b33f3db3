//===- KernelSupport.h - Pieces shared by the int8 vector kernels ---------===//
//
// What the vector kernels of lib/Conversion/QCToVector share: at compile
// time, the values of constant weights and biases, the per-channel
// requantization constants of qc.requantize's integer formula and the
// private constant globals that hold them; in the rewrite, the passage of
// operands and results between tensors and the buffers the kernels read
// and write.
//
//===----------------------------------------------------------------------===//
#ifndef QC_LIB_CONVERSION_QCTOVECTOR_KERNELSUPPORT_H
#define QC_LIB_CONVERSION_QCTOVECTOR_KERNELSUPPORT_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include <optional>
#include <string>

namespace qc::kernels {

/// The signed values of a constant integer tensor (through its quant.scast),
/// row-major; std::nullopt when it is not a constant.
std::optional<llvm::SmallVector<int64_t>> constantIntegers(mlir::Value v);

/// The operands of a convolution or fully connected layer that a kernel
/// can take: a per-tensor input of at most `maxInputBits` (exactly 8 when
/// `exactInputBits`) storage bits, constant signed weights of at most 8 bits,
/// an optional constant bias, a result of at most 32 bits.
struct KernelOperands {
  mlir::quant::QuantizedType input, weight, result;
  llvm::SmallVector<int64_t> weights;
  std::optional<llvm::SmallVector<int64_t>> bias;
};

/// Reads `input`, `weight`, `bias` (may be null) and `result` into `out`,
/// or fails saying why in `why`.
mlir::LogicalResult readKernelOperands(mlir::Value input, mlir::Value weight,
                                       mlir::Value bias, mlir::Value result,
                                       bool exactInputBits, KernelOperands &out,
                                       std::string &why);

/// qc.requantize's integer constants (docs/Numerics.md) per output channel,
/// from an i32 accumulator of scale s_x * s_w[c] to the result's scale.
struct ChannelRequant {
  llvm::SmallVector<int32_t> multiplier;
  llvm::SmallVector<int64_t> shift, roundPos, roundNeg;
  /// Whether the rounding term depends on the accumulator's sign somewhere
  /// (double_round with a shift above 31), and the smallest shift.
  bool signedRounding = false;
  int64_t minShift = 64;
};

/// The constants of `channels` channels (channel c uses weight scale c, or
/// the only one of per-tensor weights), then `padTo - channels` copies of
/// the last channel's. Fails, saying why in `why`, when a channel would
/// need the split 128-bit form of the formula.
mlir::LogicalResult computeChannelRequant(mlir::quant::QuantizedType x,
                                          mlir::quant::QuantizedType w,
                                          mlir::quant::QuantizedType y,
                                          int64_t channels, int64_t padTo,
                                          bool doubleRound, ChannelRequant &out,
                                          std::string &why);

/// A dense 1-D attribute of `values` with element type `elt`.
template <typename T>
mlir::DenseElementsAttr denseOf(llvm::ArrayRef<T> values, mlir::Type elt) {
  auto type =
      mlir::RankedTensorType::get({static_cast<int64_t>(values.size())}, elt);
  return mlir::DenseElementsAttr::getFromRawBuffer(
      type, llvm::ArrayRef<char>(reinterpret_cast<const char *>(values.data()),
                                 values.size() * sizeof(T)));
}

/// Adds a private constant, 64-byte aligned `memref.global` named `name`
/// (made unique by `symbols`) holding `data` at the start of `module`, and
/// returns a `memref.get_global` of it at `b`'s insertion point.
mlir::Value constantGlobal(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::ModuleOp module, mlir::SymbolTable &symbols,
                           llvm::StringRef name, mlir::DenseElementsAttr data);

/// The storage of `v` (a quantized or signless integer tensor) as a
/// read-only buffer with the identity layout, so that rows can be read as
/// vectors (bufferization copies a strided source into such a buffer).
mlir::Value storageBuffer(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value v);

/// A constant vector<lanes x i1> whose first `count` lanes are true: the
/// mask of a row tail for masked loads and stores.
mlir::Value prefixMask(mlir::OpBuilder &b, mlir::Location loc, int64_t lanes,
                       int64_t count);

/// A fresh 64-byte aligned buffer of `type`'s shape with elements `elt`.
mlir::Value allocBuffer(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type, mlir::Type elt,
                        mlir::ValueRange dynamicSizes);

/// `buffer` (identity layout) as a 1-D memref.
mlir::Value flatten(mlir::OpBuilder &b, mlir::Location loc, mlir::Value buffer);

/// The tensor replacing an op whose result was written into `buffer`:
/// `resultType` itself when it is quantized (through a quant.scast of the
/// storage tensor).
mlir::Value resultTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value buffer, mlir::RankedTensorType resultType);

/// `prefix` followed by `_` and the op's layer name (its NameLoc) with every
/// character that is not alphanumeric replaced by `_`; `prefix` alone for
/// ops without a name.
std::string layerSymbol(llvm::StringRef prefix, mlir::Operation *op);

} // namespace qc::kernels

#endif // QC_LIB_CONVERSION_QCTOVECTOR_KERNELSUPPORT_H
