//===- QCDialect.cpp - QC dialect -----------------------------------------===//
#include "qc/Dialect/QC/IR/QCDialect.h"
#include "qc/Dialect/QC/IR/QCOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace qc;

#include "qc/Dialect/QC/IR/QCDialect.cpp.inc"

// QCDialect::initialize lives in QCOps.cpp, beside the attribute storage
// definitions it needs.
