//===- Passes.h - Post-training quantization passes -------------*- C++ -*-===//
#ifndef QC_QUANTIZATION_PASSES_H
#define QC_QUANTIZATION_PASSES_H

#include "qc/Dialect/QC/IR/QCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qc {

#define GEN_PASS_DECL
#include "qc/Quantization/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qc/Quantization/Passes.h.inc"

/// Name of the calibration runtime entry the instrumented module calls.
inline constexpr llvm::StringLiteral kObserveCallee = "__qc_observe";

} // namespace qc

#endif // QC_QUANTIZATION_PASSES_H
