//===- LowerQuant.cpp - Lower QC numerics ops -----------------------------===//
#include "qc/Dialect/QC/IR/QCOps.h"
#include "qc/Dialect/QC/Transforms/Passes.h"

namespace qc {
#define GEN_PASS_DEF_QCLOWERQUANTPASS
#include "qc/Dialect/QC/Transforms/Passes.h.inc"
} // namespace qc

using namespace mlir;

void qc::populateLowerQuantPatterns(RewritePatternSet &) {}

namespace {
struct QCLowerQuantPass : qc::impl::QCLowerQuantPassBase<QCLowerQuantPass> {
  using QCLowerQuantPassBase::QCLowerQuantPassBase;
  void runOnOperation() override {
    getOperation()->emitError("qc-lower-quant: not implemented yet");
    signalPassFailure();
  }
};
} // namespace
