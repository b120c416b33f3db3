//===- QuantTypeUtils.h - Quantized-type queries of the integer ops -*- C++ -*-===//
//
// Small queries on the quantized element types of QC's integer compute ops,
// shared by their lowerings (qc-lower-integer-ops and the vector kernels of
// lib/Conversion/QCToVector).
//
//===----------------------------------------------------------------------===//
#ifndef QC_CONVERSION_QUANTTYPEUTILS_H
#define QC_CONVERSION_QUANTTYPEUTILS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/APFloat.h"

namespace qc {

/// The quantized element type of a shaped value.
mlir::quant::QuantizedType qtypeOf(mlir::Value v);

/// Scale of channel `c` (the only scale of a per-tensor type).
double scaleAt(mlir::quant::QuantizedType t, int64_t c);

/// Zero point of a per-tensor type; 0 for per-axis types (the integer ops
/// only accept per-axis weights, which are symmetric).
int64_t zeroPointOf(mlir::quant::QuantizedType t);

/// `value` rounded to f32, ties to even: the f32 constants of the integer
/// ops' float arithmetic (qc.add, average pooling, float_scale), which the
/// reference lowering and the vector kernels must round alike.
llvm::APFloat toF32(double value);

} // namespace qc

#endif // QC_CONVERSION_QUANTTYPEUTILS_H
