//===- InsertObservers.cpp - Mark tensors for calibration -----------------===//
#include "LayerNames.h"
#include "qc/Dialect/QC/IR/QCOps.h"
#include "qc/Quantization/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace qc {
#define GEN_PASS_DEF_QCINSERTOBSERVERSPASS
#include "qc/Quantization/Passes.h.inc"
} // namespace qc

using namespace mlir;

namespace {

bool isFloatTensor(Type t) {
  auto ranked = dyn_cast<RankedTensorType>(t);
  return ranked && isa<FloatType>(ranked.getElementType());
}

/// A float constant tensor (dense or resource blob): a weight, not an
/// activation.
bool isConstantTensor(Value v) {
  return isFloatTensor(v.getType()) &&
         isa_and_nonnull<arith::ConstantOp>(v.getDefiningOp());
}

/// Ops whose float results are not activations worth measuring.
bool producesNoActivation(Operation *op) {
  return isa<arith::ConstantOp, tensor::EmptyOp, linalg::FillOp>(op);
}

bool isObserved(Value v) {
  if (isa_and_nonnull<qc::ObserveOp>(v.getDefiningOp()))
    return true;
  return llvm::any_of(v.getUsers(),
                      [](Operation *u) { return isa<qc::ObserveOp>(u); });
}

/// For a constant weight operand of a convolution or contraction, the
/// dimension of the weight that indexes output channels; -1 when there is
/// none (e.g. a constant left-hand side).
int64_t outputChannelAxis(linalg::LinalgOp op, OpOperand &operand) {
  SmallVector<unsigned> channelLoops;
  if (linalg::isaConvolutionOpInterface(op)) {
    FailureOr<linalg::ConvolutionDimensions> dims =
        linalg::inferConvolutionDims(op);
    if (failed(dims))
      return -1;
    channelLoops.assign(dims->outputChannel.begin(), dims->outputChannel.end());
    // Depthwise convolutions index output channels with the shared channel
    // loop.
    if (channelLoops.empty())
      channelLoops.assign(dims->depth.begin(), dims->depth.end());
  } else if (linalg::isaContractionOpInterface(op)) {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims))
      return -1;
    channelLoops.assign(dims->n.begin(), dims->n.end());
  } else {
    return -1;
  }
  AffineMap map = op.getMatchingIndexingMap(&operand);
  for (unsigned loop : channelLoops)
    for (unsigned r = 0; r < map.getNumResults(); ++r)
      if (map.getResult(r).isFunctionOfDim(loop) &&
          isa<AffineDimExpr>(map.getResult(r)))
        return r;
  return -1;
}

struct QCInsertObserversPass
    : qc::impl::QCInsertObserversPassBase<QCInsertObserversPass> {
  using QCInsertObserversPassBase::QCInsertObserversPassBase;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (fn.isExternal())
      return;
    lastArgObserver = nullptr;
    fn.walk([&](qc::ObserveOp op) {
      if (isa<BlockArgument>(op.getInput()))
        lastArgObserver = op;
    });
    // Identifiers already used by existing observers stay reserved.
    qc::UniqueNamer namer;
    fn.walk([&](qc::ObserveOp op) { (void)namer.unique(op.getId()); });

    llvm::SetVector<Value> activations;
    // Weight -> (first consumer, output-channel axis).
    llvm::MapVector<Value, std::pair<Operation *, int64_t>> weights;

    for (BlockArgument arg : fn.getArguments())
      if (isFloatTensor(arg.getType()) && !arg.use_empty())
        activations.insert(arg);
    fn.walk([&](Operation *op) {
      if (isa<qc::ObserveOp>(op) || producesNoActivation(op))
        return;
      for (Value r : op->getResults())
        if (isFloatTensor(r.getType()) && !r.use_empty())
          activations.insert(r);
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (!linalgOp || !(linalg::isaConvolutionOpInterface(linalgOp) ||
                         linalg::isaContractionOpInterface(linalgOp)))
        return;
      for (OpOperand *in : linalgOp.getDpsInputOperands()) {
        if (!isConstantTensor(in->get()) || weights.count(in->get()))
          continue;
        weights.insert({in->get(), {op, outputChannelAxis(linalgOp, *in)}});
      }
    });

    OpBuilder b(fn.getContext());
    unsigned anonymous = 0;
    for (Value v : activations) {
      if (isObserved(v))
        continue;
      std::string id = namer.unique(qc::baseNameOf(v, anonymous));
      observe(b, v, id, std::nullopt);
    }
    for (auto &[w, info] : weights) {
      if (isObserved(w))
        continue;
      std::string base = qc::layerNameOf(info.first->getLoc());
      if (base.empty())
        base = qc::baseNameOf(info.first->getResult(0), anonymous);
      std::optional<int64_t> axis;
      if (info.second >= 0)
        axis = info.second;
      observe(b, w, namer.unique(base + ".weight"), axis);
    }
  }

  void observe(OpBuilder &b, Value v, StringRef id,
               std::optional<int64_t> axis) {
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      // Keep argument observers in argument order at the top of the body.
      if (lastArgObserver)
        b.setInsertionPointAfter(lastArgObserver);
      else
        b.setInsertionPointToStart(arg.getOwner());
    } else {
      b.setInsertionPointAfter(v.getDefiningOp());
    }
    auto obs = qc::ObserveOp::create(
        b, v.getLoc(), v.getType(), v, b.getStringAttr(id),
        axis ? b.getI64IntegerAttr(*axis) : IntegerAttr(), qc::StatsAttr());
    v.replaceAllUsesExcept(obs.getResult(), obs);
    if (isa<BlockArgument>(v))
      lastArgObserver = obs;
  }

  Operation *lastArgObserver = nullptr;
};

} // namespace
