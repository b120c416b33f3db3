//===- FloatPatterns.h - Recognizing quantizable float structures -*- C++ -*-===//
//
// What scale propagation and realization agree on: which float ops form one
// quantized unit (a convolution or contraction with its bias add and
// activation, a residual add with its activation), which ops keep the scale
// of their input, and which have a fixed output range. Works on linalg on
// tensors as the ONNX importer (or another MLIR compiler) emits it, seeing
// through qc.observe / qc.dequantize(qc.quantize) wrappers.
//
//===----------------------------------------------------------------------===//
#ifndef QC_LIB_QUANTIZATION_FLOATPATTERNS_H
#define QC_LIB_QUANTIZATION_FLOATPATTERNS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <optional>
#include <vector>

namespace qc {

/// The value under any qc.observe wrappers.
mlir::Value stripObservers(mlir::Value v);

/// The only user of `v` looking through qc.observe, or null if `v` (or an
/// observer of it) has several users.
mlir::Operation *soleUser(mlir::Value v);

/// Float data of a constant tensor (dense or dense_resource), row-major.
std::optional<std::vector<float>> constantFloats(mlir::Value v);

/// A scalar float constant (arith.constant), also through splat tensors.
std::optional<double> constantScalar(mlir::Value v);

enum class EwKind { Add, Sub, Mul, Div, Clamp, Sigmoid, Tanh, Other };

/// A linalg op whose iterators are all parallel and whose body computes one
/// recognised scalar function of its non-constant inputs.
struct Elementwise {
  EwKind kind = EwKind::Other;
  /// Tensor inputs in order (constants included).
  llvm::SmallVector<mlir::Value> inputs;
  /// Clamp bounds (ReLU is [0, +inf)).
  std::optional<double> lo, hi;
  /// Binary ops with one scalar constant written into the body (then
  /// `inputs` has one tensor): the constant, and whether it is the right
  /// operand.
  std::optional<double> scalar;
  bool scalarIsRhs = true;
};
std::optional<Elementwise> matchElementwise(mlir::Operation *op);

enum class AnchorKind { Conv, Contraction, ActMatmul, Add };

/// A quantizable unit: the anchor op, then optionally a bias add and an
/// activation (clamp) that are fused into its integer epilogue.
struct Unit {
  AnchorKind kind;
  mlir::Operation *anchor = nullptr;
  /// Activation input(s): one for Conv/Contraction (the weight is
  /// `weight`), two for ActMatmul and Add.
  llvm::SmallVector<mlir::OpOperand *, 2> inputs;
  mlir::OpOperand *weight = nullptr;
  /// Dimension of the weight that indexes output channels (-1: none).
  int64_t weightChannelAxis = -1;
  /// Bias add folded into the epilogue and its constant operand.
  mlir::Operation *biasOp = nullptr;
  mlir::OpOperand *bias = nullptr;
  /// Axis of the bias constant that holds the channels.
  int64_t biasChannelAxis = -1;
  mlir::Operation *activation = nullptr;
  std::optional<double> clampMin, clampMax;

  /// Result of the last op of the unit.
  mlir::Value output() const;
  /// Ops of the unit in program order.
  llvm::SmallVector<mlir::Operation *, 3> ops() const;
};

/// Recognises a unit anchored at `op`, or nullopt.
std::optional<Unit> matchUnit(mlir::Operation *op);

/// Ops whose result can reuse its input's quantization parameters
/// (reshapes, transposes, max pooling, zero padding, standalone clamps);
/// returns the input operand that carries the scale.
mlir::OpOperand *sameScaleInput(mlir::Operation *op);

/// The padding value of a tensor.pad that `sameScaleInput` accepts: 0, or
/// the lowest value (-inf / lowest float, as max pooling pads).
enum class PadKind { Zero, Lowest };
std::optional<PadKind> padKind(mlir::Operation *pad);

/// Recognises average pooling as the importer writes it: a sum pooling
/// (`linalg.pooling_nchw_sum`) divided by a constant count (a scalar in the
/// body or a constant tensor). Returns the sum op when `div` is that
/// division, and the divisor values (one, or one per output position).
mlir::Operation *matchAvgPoolDivision(mlir::Operation *div,
                                      std::vector<float> *divisor = nullptr);

/// Fixed output range of sigmoid / softmax ([0, 1]) and tanh ([-1, 1]).
std::optional<std::pair<double, double>> fixedOutputRange(mlir::Operation *op);

} // namespace qc

#endif // QC_LIB_QUANTIZATION_FLOATPATTERNS_H
