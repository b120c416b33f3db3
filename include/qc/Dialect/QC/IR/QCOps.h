//===- QCOps.h - QC operations ----------------------------------*- C++ -*-===//
#ifndef QC_DIALECT_QC_IR_QCOPS_H
#define QC_DIALECT_QC_IR_QCOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "qc/Dialect/QC/IR/QCDialect.h"

#include "qc/Dialect/QC/IR/QCEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qc/Dialect/QC/IR/QCAttrs.h.inc"

#define GET_OP_CLASSES
#include "qc/Dialect/QC/IR/QCOps.h.inc"

namespace qc {
/// Checks that `qtype` is a well-formed uniform quantized element type for a
/// tensor of type `shaped` whose real values are `expressed`: scales finite
/// and positive, zero points inside the storage range, quantized axis inside
/// the rank and one scale per element of that dimension. Reports through
/// `emitError` and names the offending value.
mlir::LogicalResult
verifyQuantizedElementType(llvm::function_ref<mlir::InFlightDiagnostic()> emitError,
                           mlir::quant::QuantizedType qtype,
                           mlir::ShapedType shaped, mlir::Type expressed,
                           llvm::StringRef what);
} // namespace qc

#endif // QC_DIALECT_QC_IR_QCOPS_H
