//===- InstrumentObservers.cpp - Calibration callbacks --------------------===//
#include "qc/Dialect/QC/IR/QCOps.h"
#include "qc/Quantization/Passes.h"

namespace qc {
#define GEN_PASS_DEF_QCINSTRUMENTOBSERVERSPASS
#include "qc/Quantization/Passes.h.inc"
} // namespace qc

using namespace mlir;

namespace {
struct QCInstrumentObserversPass
    : qc::impl::QCInstrumentObserversPassBase<QCInstrumentObserversPass> {
  using QCInstrumentObserversPassBase::QCInstrumentObserversPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = module.getContext();
    SmallVector<qc::ObserveOp> observers;
    module.walk([&](qc::ObserveOp op) { observers.push_back(op); });

    OpBuilder b(ctx);
    auto f32 = b.getF32Type();
    auto unranked = UnrankedMemRefType::get(f32, 0);
    auto calleeType = b.getFunctionType({b.getI64Type(), unranked}, {});
    if (Operation *existing = module.lookupSymbol(qc::kObserveCallee)) {
      auto fn = dyn_cast<func::FuncOp>(existing);
      if (!fn || fn.getFunctionType() != calleeType) {
        existing->emitError() << "symbol '" << qc::kObserveCallee
                              << "' is reserved for the calibration runtime";
        return signalPassFailure();
      }
    } else if (!observers.empty()) {
      b.setInsertionPointToEnd(module.getBody());
      auto decl = func::FuncOp::create(b, module.getLoc(), qc::kObserveCallee,
                                       calleeType);
      decl.setPrivate();
    }

    SmallVector<Attribute> ids, axes;
    for (auto [index, op] : llvm::enumerate(observers)) {
      auto type = op.getInput().getType();
      if (!type.getElementType().isF32()) {
        op.emitError() << "calibration supports f32 tensors only, got "
                       << type.getElementType();
        return signalPassFailure();
      }
      b.setInsertionPoint(op);
      Location loc = op.getLoc();
      auto memrefType = MemRefType::get(type.getShape(), f32);
      Value buffer = bufferization::ToBufferOp::create(
          b, loc, memrefType, op.getInput(), /*read_only=*/true);
      Value cast = memref::CastOp::create(b, loc, unranked, buffer);
      Value idx = arith::ConstantIntOp::create(b, loc, index, 64);
      func::CallOp::create(b, loc, qc::kObserveCallee, TypeRange{},
                           ValueRange{idx, cast});
      ids.push_back(b.getStringAttr(op.getId()));
      axes.push_back(b.getI64IntegerAttr(op.getAxis().value_or(-1)));
      op.getResult().replaceAllUsesWith(op.getInput());
      op.erase();
    }
    module->setAttr("qc.observers", b.getArrayAttr(ids));
    module->setAttr("qc.observer_axes", b.getArrayAttr(axes));
  }
};
} // namespace
