//===- LowerDotProducts.cpp - qc.dot_u8s8 to instructions -----------------===//
//
// qc-lower-dot-products: the last step of the microkernels of
// qc-vectorize-integer-ops. On AVX-512 VNNI each qc.dot_u8s8 is one
// vpdpbusd, on AArch64 usdot (i8mm) or sdot (dotprod) per 4 lanes;
// elsewhere it is spelled out in arith/vector with the same (wrapping)
// result, so that the fast kernels are correct on every CPU.
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

/// AArch64: one 4-lane instruction per 16 bytes. With i8mm, `usdot` is the
/// op exactly. With dotprod alone, `sdot` takes signed bytes on both sides:
/// a = (a xor 0x80) + 128, so
///   sum a*w = sdot(a xor 0x80, w) - sdot(-128, w),
/// the second term depends on w only (LLVM's CSE shares it between the rows
/// of a tile, which use the same weight vector).
struct DotToNeon : OpRewritePattern<DotU8S8Op> {
  DotToNeon(MLIRContext *ctx, bool i8mm)
      : OpRewritePattern(ctx), i8mm(i8mm) {}
  bool i8mm;

  LogicalResult matchAndRewrite(DotU8S8Op op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    VectorType accType = op.getAcc().getType();
    int64_t lanes = accType.getNumElements();
    if (lanes % 4 != 0)
      return b.notifyMatchFailure(op, "sdot/usdot take groups of 4 lanes");
    auto v4i32 = VectorType::get({4}, b.getI32Type());
    auto v16i8 = VectorType::get({16}, b.getI8Type());
    auto call = [&](StringRef name, Value acc, Value x, Value y) -> Value {
      return LLVM::CallIntrinsicOp::create(b, loc, v4i32,
                                           b.getStringAttr(name),
                                           ValueRange{acc, x, y})
          .getResult(0);
    };
    Value flip, minus128, zero;
    if (!i8mm) {
      flip = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(v16i8, b.getI8IntegerAttr(-128)));
      minus128 = flip;
      zero = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(v4i32, b.getI32IntegerAttr(0)));
    }
    Value result = op.getAcc();
    for (int64_t q = 0; q < lanes / 4; ++q) {
      Value acc = vector::ExtractStridedSliceOp::create(
          b, loc, op.getAcc(), ArrayRef<int64_t>{4 * q}, ArrayRef<int64_t>{4},
          ArrayRef<int64_t>{1});
      auto bytes = [&](Value v) -> Value {
        return vector::ExtractStridedSliceOp::create(
            b, loc, v, ArrayRef<int64_t>{16 * q}, ArrayRef<int64_t>{16},
            ArrayRef<int64_t>{1});
      };
      Value a = bytes(op.getLhs()), w = bytes(op.getRhs());
      Value r;
      if (i8mm) {
        r = call("llvm.aarch64.neon.usdot.v4i32.v16i8", acc, a, w);
      } else {
        Value as = arith::XOrIOp::create(b, loc, a, flip);
        r = call("llvm.aarch64.neon.sdot.v4i32.v16i8", acc, as, w);
        Value shift =
            call("llvm.aarch64.neon.sdot.v4i32.v16i8", zero, minus128, w);
        r = arith::SubIOp::create(b, loc, r, shift);
      }
      result = vector::InsertStridedSliceOp::create(
          b, loc, r, result, ArrayRef<int64_t>{4 * q}, ArrayRef<int64_t>{1});
    }
    b.replaceOp(op, result);
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
    if (isa == "host" || isa == "avx512-vnni" || isa == "neon-i8mm" ||
        isa == "neon-dotprod" || isa == "generic")
      return success();
    return emitError(UnknownLoc::get(ctx))
           << "qc-lower-dot-products: unknown isa '" << isa
           << "' (expected host, avx512-vnni, neon-i8mm, neon-dotprod or "
              "generic)";
  }

  void runOnOperation() override {
    std::string chosen = isa;
    if (chosen == "host")
      chosen = hostIsa();
    RewritePatternSet patterns(&getContext());
    if (chosen == "avx512-vnni")
      patterns.add<DotToVnni>(&getContext());
    else if (chosen == "neon-i8mm" || chosen == "neon-dotprod")
      patterns.add<DotToNeon>(&getContext(), chosen == "neon-i8mm");
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

  static std::string hostIsa() {
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    if (features.lookup("avx512vnni") && features.lookup("avx512vl"))
      return "avx512-vnni";
    if (features.lookup("i8mm"))
      return "neon-i8mm";
    if (features.lookup("dotprod"))
      return "neon-dotprod";
    return "generic";
  }
};

} // namespace
