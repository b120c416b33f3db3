//===- LowerDotProducts.cpp - qc.dot_u8s8 to instructions -----------------===//
//
// qc-lower-dot-products: the last step of the microkernels of
// qc-vectorize-integer-ops. On AVX-512 VNNI each qc.dot_u8s8 is one
// vpdpbusd; elsewhere it is spelled out in arith/vector with the same
// (wrapping) result, so that the fast kernels are correct on every CPU.
//
//===----------------------------------------------------------------------===//
#include "qc/Conversion/Passes.h"
#include "qc/Dialect/QC/IR/QCOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/TargetParser/Host.h"

namespace qc {
#define GEN_PASS_DEF_QCLOWERDOTPRODUCTSPASS
#include "qc/Conversion/Passes.h.inc"
} // namespace qc

using namespace mlir;
using namespace qc;

namespace {

struct DotToVnni : OpRewritePattern<DotU8S8Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DotU8S8Op op,
                                PatternRewriter &b) const override {
    VectorType accType = op.getAcc().getType();
    int64_t lanes = accType.getNumElements();
    if (lanes != 4 && lanes != 8 && lanes != 16)
      return b.notifyMatchFailure(op, "vpdpbusd takes 4, 8 or 16 lanes");
    Location loc = op.getLoc();
    // LLVM 22's signature: (<N x i32>, <4N x i8>, <4N x i8>).
    Value a = op.getLhs(), w = op.getRhs();
    std::string name =
        "llvm.x86.avx512.vpdpbusd." + std::to_string(lanes * 32);
    b.replaceOp(op, LLVM::CallIntrinsicOp::create(
                        b, loc, accType, b.getStringAttr(name),
                        ValueRange{op.getAcc(), a, w})
                        .getResult(0));
    return success();
  }
};

struct DotToGeneric : OpRewritePattern<DotU8S8Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DotU8S8Op op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    VectorType accType = op.getAcc().getType();
    int64_t lanes = accType.getNumElements();
    auto wide = VectorType::get({4 * lanes}, b.getI32Type());
    Value a = arith::ExtUIOp::create(b, loc, wide, op.getLhs());
    Value w = arith::ExtSIOp::create(b, loc, wide, op.getRhs());
    Value prod = arith::MulIOp::create(b, loc, a, w);
    Value sum = op.getAcc();
    for (int64_t j = 0; j < 4; ++j) {
      SmallVector<int64_t> mask;
      for (int64_t i = 0; i < lanes; ++i)
        mask.push_back(4 * i + j);
      Value part = vector::ShuffleOp::create(b, loc, prod, prod, mask);
      sum = arith::AddIOp::create(b, loc, sum, part);
    }
    b.replaceOp(op, sum);
    return success();
  }
};

struct QCLowerDotProductsPass
    : qc::impl::QCLowerDotProductsPassBase<QCLowerDotProductsPass> {
  using QCLowerDotProductsPassBase::QCLowerDotProductsPassBase;

  LogicalResult initialize(MLIRContext *ctx) override {
    if (isa == "host" || isa == "avx512-vnni" || isa == "generic")
      return success();
    return emitError(UnknownLoc::get(ctx))
           << "qc-lower-dot-products: unknown isa '" << isa
           << "' (expected host, avx512-vnni or generic)";
  }

  void runOnOperation() override {
    std::string chosen = isa;
    if (chosen == "host")
      chosen = hostHasAvx512Vnni() ? "avx512-vnni" : "generic";
    RewritePatternSet patterns(&getContext());
    if (chosen == "avx512-vnni")
      patterns.add<DotToVnni>(&getContext());
    else
      patterns.add<DotToGeneric>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    WalkResult left = getOperation()->walk([](DotU8S8Op op) {
      op.emitOpError() << "has no lowering for " << op.getAcc().getType();
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }

  static bool hostHasAvx512Vnni() {
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    return features.lookup("avx512vnni") && features.lookup("avx512vl");
  }
};

} // namespace
