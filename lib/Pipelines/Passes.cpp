//===- Passes.cpp - Passes of the QC lowering pipelines -------------------===//
#include "qc/Pipelines/Passes.h"
#include "qc/Pipelines/LowerToLLVM.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringSet.h"

namespace qc {
#define GEN_PASS_DEF_QCPREPAREENTRYPOINTSPASS
#define GEN_PASS_DEF_QCDECOMPOSEAGGREGATEOPSPASS
#define GEN_PASS_DEF_QCLOWERSTRIDEDCOPIESPASS
#define GEN_PASS_DEF_QCVERIFYLLVMLOWEREDPASS
#include "PipelinePasses.h.inc"
} // namespace qc

using namespace mlir;

namespace {
//===----------------------------------------------------------------------===//
// qc-prepare-entry-points
//===----------------------------------------------------------------------===//
struct QCPrepareEntryPointsPass
    : qc::impl::QCPrepareEntryPointsPassBase<QCPrepareEntryPointsPass> {
  using QCPrepareEntryPointsPassBase::QCPrepareEntryPointsPassBase;
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal() || !fn.isPublic())
        continue;
      // Keep a signature recorded by an earlier run: it is the more original.
      if (!fn->hasAttr(qc::kRunnerSignatureAttrName))
        fn->setAttr(qc::kRunnerSignatureAttrName,
                    TypeAttr::get(fn.getFunctionType()));
      if (emitCInterface)
        fn->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    UnitAttr::get(fn.getContext()));
    }
  }
};

//===----------------------------------------------------------------------===//
// qc-decompose-aggregate-ops
//===----------------------------------------------------------------------===//
struct QCDecomposeAggregateOpsPass
    : qc::impl::QCDecomposeAggregateOpsPassBase<QCDecomposeAggregateOpsPass> {
  using QCDecomposeAggregateOpsPassBase::QCDecomposeAggregateOpsPassBase;
  void runOnOperation() override {
    // A decomposition may itself produce aggregate ops; iterate, bounded.
    for (int round = 0; round < 8; ++round) {
      SmallVector<linalg::AggregatedOpInterface> worklist;
      getOperation()->walk([&](linalg::AggregatedOpInterface op) {
        worklist.push_back(op);
      });
      if (worklist.empty())
        return;
      for (linalg::AggregatedOpInterface op : worklist) {
        OpBuilder builder(op);
        FailureOr<SmallVector<Value>> results =
            op.decomposeOperation(builder);
        if (failed(results)) {
          op->emitError() << "'" << op->getName()
                          << "' could not be decomposed into simpler linalg "
                             "ops";
          return signalPassFailure();
        }
        op->replaceAllUsesWith(*results);
        op->erase();
      }
    }
    getOperation()->emitError()
        << "aggregate ops still present after 8 rounds of decomposition";
    signalPassFailure();
  }
};

//===----------------------------------------------------------------------===//
// qc-lower-strided-copies
//===----------------------------------------------------------------------===//
bool hasIdentityLayout(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.getLayout().isIdentity();
}

struct QCLowerStridedCopiesPass
    : qc::impl::QCLowerStridedCopiesPassBase<QCLowerStridedCopiesPass> {
  using QCLowerStridedCopiesPassBase::QCLowerStridedCopiesPassBase;
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation()->walk([&](memref::CopyOp copy) {
      Type src = copy.getSource().getType(), dst = copy.getTarget().getType();
      // Unranked copies have no loop form; leave them to the runtime.
      if (!isa<MemRefType>(src) || !isa<MemRefType>(dst))
        return;
      if (!hasIdentityLayout(src) || !hasIdentityLayout(dst))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder builder(copy);
      linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    }
  }
};

//===----------------------------------------------------------------------===//
// qc-verify-llvm-lowered
//===----------------------------------------------------------------------===//
/// Dialects whose ops translate to LLVM IR directly.
bool isTranslatableDialect(StringRef ns) {
  return ns == "llvm" || ns == "omp" || ns == "arm_neon" || ns == "arm_sve" ||
         ns == "arm_sme";
}

bool isLoweredOp(Operation *op) {
  if (isa<ModuleOp>(op))
    return true;
  return isTranslatableDialect(op->getName().getDialectNamespace());
}

struct QCVerifyLLVMLoweredPass
    : qc::impl::QCVerifyLLVMLoweredPassBase<QCVerifyLLVMLoweredPass> {
  using QCVerifyLLVMLoweredPassBase::QCVerifyLLVMLoweredPassBase;
  void runOnOperation() override {
    llvm::StringSet<> reported;
    Operation *firstCast = nullptr;
    getOperation()->walk([&](Operation *op) {
      if (isLoweredOp(op))
        return;
      if (isa<UnrealizedConversionCastOp>(op)) {
        if (!firstCast)
          firstCast = op;
        return;
      }
      if (reported.insert(op->getName().getStringRef()).second)
        op->emitError() << "'" << op->getName()
                        << "' was not lowered to the LLVM dialect";
    });
    if (reported.empty() && firstCast) {
      auto castOp = cast<UnrealizedConversionCastOp>(firstCast);
      InFlightDiagnostic diag =
          castOp->emitError("a type conversion was left unresolved");
      if (castOp.getNumOperands() == 1 && castOp.getNumResults() == 1)
        diag << ": " << castOp.getOperand(0).getType() << " to "
             << castOp.getResult(0).getType();
      return signalPassFailure();
    }
    if (!reported.empty())
      signalPassFailure();
  }
};
} // namespace

namespace qc {
bool isLoweredToLLVM(Operation *module) {
  WalkResult result = module->walk([](Operation *op) {
    return isLoweredOp(op) ? WalkResult::advance() : WalkResult::interrupt();
  });
  return !result.wasInterrupted();
}

namespace {
#define GEN_PASS_REGISTRATION
#include "PipelinePasses.h.inc"
} // namespace

void registerPipelinePasses() { registerQCPipelinePasses(); }
} // namespace qc
