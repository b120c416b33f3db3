//===- InitAll.h - Register all of QC ---------------------------*- C++ -*-===//
#ifndef QC_INITALL_H
#define QC_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace qc {
/// Adds the QC dialect and the upstream dialects QC consumes and produces.
void registerAllDialects(mlir::DialectRegistry &registry);
/// Registers every QC pass and named pipeline with the global registry.
void registerAllPasses();
} // namespace qc

#endif // QC_INITALL_H
