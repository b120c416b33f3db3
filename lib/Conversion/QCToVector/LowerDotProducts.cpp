//===- LowerDotProducts.cpp - qc.dot_u8s8 to instructions -----------------===//
//
// qc-lower-dot-products: the last step of the microkernels of
// qc-vectorize-integer-ops. On AVX-512 VNNI each qc.dot_u8s8 is one
// vpdpbusd, on AVX2 vpmaddwd pairs (or vpmaddubsw + vpmaddwd for 7-bit
// weights), on AArch64 usdot (i8mm) or sdot (dotprod) per 4 lanes;
// elsewhere it is spelled out in arith/vector with the same (wrapping)
// result, so that the fast kernels are correct on every CPU.
//
//===----------------------------------------------------------------------===//
#include "qc/Conversion/QCToVector/DotProducts.h"
#include "qc/Conversion/Passes.h"
#include "qc/Dialect/QC/IR/QCOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/AArch64TargetParser.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/TargetParser/X86TargetParser.h"

#include <map>

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

/// AVX2, 8 lanes (32 bytes) per 256-bit instruction and a 4-lane tail in
/// 128-bit ones. vpmaddwd multiplies i16 pairs and adds each pair into an
/// i32 exactly. The exact form widens the bytes to i16 (zero-extended
/// activations, sign-extended weights) in two halves: bytes 4i, 4i+1 of
/// every lane, then bytes 4i+2, 4i+3, so that one vpmaddwd of each half
/// leaves lane i's two partial sums in i32 lane i: two vpmaddwd and two adds
/// per 4-byte group, right for every input. With `rhs_fits_i7`, vpmaddubsw
/// multiplies the bytes and adds adjacent pairs into i16 directly; it
/// saturates past 32767, which 7-bit weights cannot reach (2 * 255 * 64 =
/// 32640), and vpmaddwd with ones adds the two pairs of each lane: one
/// vpmaddubsw, one vpmaddwd and one add.
struct DotToAvx2 : OpRewritePattern<DotU8S8Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DotU8S8Op op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    VectorType accType = op.getAcc().getType();
    int64_t lanes = accType.getNumElements();
    if (lanes % 4 != 0)
      return b.notifyMatchFailure(op, "vpmaddwd takes groups of 4 lanes");
    bool fast = op.getRhsFitsI7();
    Type i16 = b.getI16Type(), i32 = b.getI32Type();
    // The kernels' activations are one 4-byte group broadcast to every lane
    // (bitcast of a broadcast i32): its widened byte pairs are then the
    // scalar b0 | b1 << 16 (or b2 | b3 << 16) broadcast, computed on the
    // integer units instead of a byte shuffle and a widening per half.
    Value group;
    if (auto cast = op.getLhs().getDefiningOp<vector::BitCastOp>())
      if (auto splat = cast.getSource().getDefiningOp<vector::BroadcastOp>())
        if (splat.getSource().getType().isInteger(32))
          group = splat.getSource();
    // Per (half, lane count): shared by the chunks of the op.
    std::map<std::pair<int64_t, int64_t>, Value> pairCache;
    auto broadcastPair = [&](Value x, int64_t half, int64_t n) -> Value {
      Value &cached = pairCache[{half, n}];
      if (cached)
        return cached;
      auto c = [&](int64_t v) -> Value {
        return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(v));
      };
      // half 0: (x & 0xff) | ((x & 0xff00) << 8);
      // half 1: ((x >> 16) & 0xff) | ((x >> 8) & 0xff0000).
      Value low, high;
      if (half == 0) {
        low = arith::AndIOp::create(b, loc, x, c(0xff));
        high = arith::ShLIOp::create(
            b, loc, arith::AndIOp::create(b, loc, x, c(0xff00)), c(8));
      } else {
        low = arith::AndIOp::create(
            b, loc, arith::ShRUIOp::create(b, loc, x, c(16)), c(0xff));
        high = arith::AndIOp::create(
            b, loc, arith::ShRUIOp::create(b, loc, x, c(8)), c(0xff0000));
      }
      Value word = arith::OrIOp::create(b, loc, low, high);
      Value v = vector::BroadcastOp::create(
          b, loc, VectorType::get({n}, i32), word);
      cached = vector::BitCastOp::create(
          b, loc, VectorType::get({2 * n}, i16), v);
      return cached;
    };
    Value result = op.getAcc();
    for (int64_t first = 0; first < lanes;) {
      // 8 lanes in ymm registers while they last, then 4 in xmm.
      int64_t n = lanes - first >= 8 ? 8 : 4;
      bool ymm = n == 8;
      auto pairs = VectorType::get({2 * n}, i16);
      auto sums = VectorType::get({n}, i32);
      StringRef maddwd =
          ymm ? "llvm.x86.avx2.pmadd.wd" : "llvm.x86.sse2.pmadd.wd";
      auto call = [&](StringRef name, Type type, Value x, Value y) -> Value {
        return LLVM::CallIntrinsicOp::create(b, loc, type,
                                             b.getStringAttr(name),
                                             ValueRange{x, y})
            .getResult(0);
      };
      Value acc = op.getAcc();
      if (n != lanes)
        acc = vector::ExtractStridedSliceOp::create(
            b, loc, acc, ArrayRef<int64_t>{first}, ArrayRef<int64_t>{n},
            ArrayRef<int64_t>{1});
      Value sum;
      if (fast) {
        auto bytes = [&](Value v) -> Value {
          if (n == lanes)
            return v;
          return vector::ExtractStridedSliceOp::create(
              b, loc, v, ArrayRef<int64_t>{4 * first},
              ArrayRef<int64_t>{4 * n}, ArrayRef<int64_t>{1});
        };
        Value a = bytes(op.getLhs());
        Value w = bytes(op.getRhs());
        Value halves = call(ymm ? "llvm.x86.avx2.pmadd.ub.sw"
                                : "llvm.x86.ssse3.pmadd.ub.sw.128",
                            pairs, a, w);
        Value ones = arith::ConstantOp::create(
            b, loc, DenseElementsAttr::get(pairs, b.getI16IntegerAttr(1)));
        sum = arith::AddIOp::create(b, loc, acc,
                                    call(maddwd, sums, halves, ones));
      } else {
        // Bytes 4i, 4i+1 of the lanes first..first+n, then bytes 4i+2,
        // 4i+3: one byte shuffle and one widening for both halves (LLVM:
        // an in-lane vpshufb, a vpermq and two vpmovsxbw).
        SmallVector<int64_t> mask;
        for (int64_t half = 0; half < 2; ++half)
          for (int64_t i = first; i < first + n; ++i) {
            mask.push_back(4 * i + 2 * half);
            mask.push_back(4 * i + 2 * half + 1);
          }
        auto both = VectorType::get({4 * n}, i16);
        auto widen = [&](Value v, bool isSigned) -> Value {
          Value picked = vector::ShuffleOp::create(b, loc, v, v, mask);
          if (isSigned)
            return arith::ExtSIOp::create(b, loc, both, picked);
          return arith::ExtUIOp::create(b, loc, both, picked);
        };
        auto halfOf = [&](Value v, int64_t half) -> Value {
          return vector::ExtractStridedSliceOp::create(
              b, loc, v, ArrayRef<int64_t>{2 * n * half},
              ArrayRef<int64_t>{2 * n}, ArrayRef<int64_t>{1});
        };
        Value aBoth = group ? Value() : widen(op.getLhs(), false);
        Value wBoth = widen(op.getRhs(), true);
        sum = acc;
        for (int64_t half = 0; half < 2; ++half) {
          Value a = group ? broadcastPair(group, half, n) : halfOf(aBoth, half);
          Value part = call(maddwd, sums, a, halfOf(wBoth, half));
          sum = arith::AddIOp::create(b, loc, sum, part);
        }
      }
      if (n == lanes)
        result = sum;
      else
        result = vector::InsertStridedSliceOp::create(
            b, loc, sum, result, ArrayRef<int64_t>{first},
            ArrayRef<int64_t>{1});
      first += n;
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

/// qc.mmla_u8s8 with i8mm: one `usmmla` per 2x2 block (its operand order and
/// layout are the op's: A rows, then B rows, 8 bytes each).
struct MmlaToUsmmla : OpRewritePattern<MmlaU8S8Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MmlaU8S8Op op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    int64_t blocks = op.getAcc().getType().getNumElements() / 4;
    auto v4i32 = VectorType::get({4}, b.getI32Type());
    auto call = [&](Value acc, Value x, Value y) -> Value {
      return LLVM::CallIntrinsicOp::create(
                 b, loc, v4i32,
                 b.getStringAttr("llvm.aarch64.neon.usmmla.v4i32.v16i8"),
                 ValueRange{acc, x, y})
          .getResult(0);
    };
    if (blocks == 1) {
      b.replaceOp(op, call(op.getAcc(), op.getLhs(), op.getRhs()));
      return success();
    }
    Value result = op.getAcc();
    for (int64_t q = 0; q < blocks; ++q) {
      auto slice = [&](Value v, int64_t size) -> Value {
        return vector::ExtractStridedSliceOp::create(
            b, loc, v, ArrayRef<int64_t>{size * q}, ArrayRef<int64_t>{size},
            ArrayRef<int64_t>{1});
      };
      Value r = call(slice(op.getAcc(), 4), slice(op.getLhs(), 16),
                     slice(op.getRhs(), 16));
      result = vector::InsertStridedSliceOp::create(
          b, loc, r, result, ArrayRef<int64_t>{4 * q}, ArrayRef<int64_t>{1});
    }
    b.replaceOp(op, result);
    return success();
  }
};

/// qc.mmla_u8s8 anywhere else: the 8 products of every output lane, i32
/// products of the zero-extended lhs and sign-extended rhs bytes (exact),
/// summed into the accumulator modulo 2^32 like usmmla.
struct MmlaToGeneric : OpRewritePattern<MmlaU8S8Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MmlaU8S8Op op,
                                PatternRewriter &b) const override {
    Location loc = op.getLoc();
    int64_t lanes = op.getAcc().getType().getNumElements();
    // Product k of lane 4q + 2i + j at position k * lanes + lane:
    // lhs byte 16q + 8i + k times rhs byte 16q + 8j + k (bytes picked
    // first, then widened).
    SmallVector<int64_t> aMask, wMask;
    for (int64_t k = 0; k < 8; ++k)
      for (int64_t lane = 0; lane < lanes; ++lane) {
        int64_t q = lane / 4, i = lane % 4 / 2, j = lane % 2;
        aMask.push_back(16 * q + 8 * i + k);
        wMask.push_back(16 * q + 8 * j + k);
      }
    auto wide = VectorType::get({8 * lanes}, b.getI32Type());
    Value a = vector::ShuffleOp::create(b, loc, op.getLhs(), op.getLhs(), aMask);
    Value w = vector::ShuffleOp::create(b, loc, op.getRhs(), op.getRhs(), wMask);
    Value aWide = arith::ExtUIOp::create(b, loc, wide, a);
    Value wWide = arith::ExtSIOp::create(b, loc, wide, w);
    Value prod = arith::MulIOp::create(b, loc, aWide, wWide);
    Value sum = op.getAcc();
    for (int64_t k = 0; k < 8; ++k)
      sum = arith::AddIOp::create(
          b, loc, sum,
          vector::ExtractStridedSliceOp::create(
              b, loc, prod, ArrayRef<int64_t>{k * lanes},
              ArrayRef<int64_t>{lanes}, ArrayRef<int64_t>{1}));
    b.replaceOp(op, sum);
    return success();
  }
};

struct QCLowerDotProductsPass
    : qc::impl::QCLowerDotProductsPassBase<QCLowerDotProductsPass> {
  using QCLowerDotProductsPassBase::QCLowerDotProductsPassBase;

  void runOnOperation() override {
    FailureOr<std::string> chosen =
        resolveDotIsa(getOperation(), isa, cpu, "qc-lower-dot-products");
    if (failed(chosen))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    if (*chosen == "avx512-vnni")
      patterns.add<DotToVnni>(&getContext());
    else if (*chosen == "avx2")
      patterns.add<DotToAvx2>(&getContext());
    else if (*chosen == "neon-i8mm" || *chosen == "neon-dotprod")
      patterns.add<DotToNeon>(&getContext(), *chosen == "neon-i8mm");
    else
      patterns.add<DotToGeneric>(&getContext());
    // The matrix-multiply step has one instruction on i8mm CPUs and a
    // portable form with the same result everywhere else.
    if (*chosen == "neon-i8mm")
      patterns.add<MmlaToUsmmla>(&getContext());
    else
      patterns.add<MmlaToGeneric>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    WalkResult left = getOperation()->walk([](Operation *op) {
      if (!llvm::isa<DotU8S8Op, MmlaU8S8Op>(op))
        return WalkResult::advance();
      op->emitOpError() << "has no lowering for " << op->getOperand(0).getType();
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// Choosing the instruction set
//===----------------------------------------------------------------------===//

namespace {
/// The x86 choice from a feature map (LLVM's feature names).
std::string x86DotIsa(const llvm::StringMap<bool> &features) {
  if (features.lookup("avx512vnni") && features.lookup("avx512vl"))
    return "avx512-vnni";
  if (features.lookup("avx2"))
    return "avx2";
  return "generic";
}

std::string aarch64DotIsa(bool i8mm, bool dotprod) {
  return i8mm ? "neon-i8mm" : dotprod ? "neon-dotprod" : "generic";
}
} // namespace

FailureOr<std::string> qc::resolveDotIsa(Operation *anchor, StringRef isa,
                                         StringRef cpu, StringRef pass) {
  if (isa != "auto" && isa != "host" && !isDotIsa(isa))
    return anchor->emitError()
           << pass << ": unknown isa '" << isa
           << "' (expected auto, host, avx512-vnni, avx2, neon-i8mm, "
              "neon-dotprod or generic)";
  if (!cpu.empty() && isa != "auto")
    return anchor->emitError() << pass << ": give isa or cpu, not both (isa '"
                               << isa << "', cpu '" << cpu << "')";
  if (isa == "host")
    return hostDotIsa();
  if (isa != "auto")
    return isa.str();
  if (!cpu.empty()) {
    llvm::Expected<std::string> chosen = dotIsaForCpu(cpu);
    if (!chosen)
      return anchor->emitError()
             << pass << ": " << llvm::toString(chosen.takeError());
    return *chosen;
  }
  for (Operation *op = anchor; op; op = op->getParentOp()) {
    auto target = op->getAttrOfType<StringAttr>("qc.target");
    if (!target)
      continue;
    llvm::Expected<std::string> chosen = dotIsaForCpu(target.getValue());
    if (!chosen) {
      op->emitError() << "qc.target: " << llvm::toString(chosen.takeError());
      return failure();
    }
    return *chosen;
  }
  return hostDotIsa();
}

bool qc::isDotIsa(llvm::StringRef isa) {
  return isa == "avx512-vnni" || isa == "avx2" || isa == "neon-i8mm" ||
         isa == "neon-dotprod" || isa == "generic";
}

std::string qc::hostDotIsa() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (llvm::Triple(llvm::sys::getProcessTriple()).isAArch64())
    return aarch64DotIsa(features.lookup("i8mm"), features.lookup("dotprod"));
  return x86DotIsa(features);
}

llvm::Expected<std::string> qc::dotIsaForCpu(llvm::StringRef cpu) {
  if (cpu == "host")
    return hostDotIsa();
  if (cpu == "aarch64")
    return std::string("generic");
  if (llvm::X86::parseArchX86(cpu, /*Only64Bit=*/true) !=
      llvm::X86::CK_None) {
    // The CPU's own features, closed under implication (x86-64-v4 lists
    // avx512vl but not the avx512f it implies).
    llvm::SmallVector<llvm::StringRef> list;
    llvm::X86::getFeaturesForCPU(cpu, list);
    llvm::StringMap<bool> features;
    for (llvm::StringRef f : list) {
      features[f] = true;
      llvm::X86::updateImpliedFeatures(f, true, features);
    }
    return x86DotIsa(features);
  }
  if (std::optional<llvm::AArch64::CpuInfo> info =
          llvm::AArch64::parseCpu(cpu)) {
    llvm::AArch64::ExtensionBitset ext = info->getImpliedExtensions();
    return aarch64DotIsa(ext.test(llvm::AArch64::AEK_I8MM),
                         ext.test(llvm::AArch64::AEK_DOTPROD));
  }
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "unknown target CPU '" + cpu +
          "' (expected host, aarch64, or an x86-64 or AArch64 CPU name as "
          "for clang -mcpu: x86-64-v3, x86-64-v4, znver4, sapphirerapids, "
          "cortex-a76, neoverse-v1, ...)");
}

bool qc::hostRunsDotIsa(llvm::StringRef isa) {
  if (isa == "generic")
    return true;
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (llvm::Triple(llvm::sys::getProcessTriple()).isAArch64())
    return (isa == "neon-dotprod" && features.lookup("dotprod")) ||
           (isa == "neon-i8mm" && features.lookup("i8mm"));
  return (isa == "avx2" && features.lookup("avx2")) ||
         (isa == "avx512-vnni" && x86DotIsa(features) == "avx512-vnni");
}

bool qc::dotIsaRunsOn(llvm::StringRef isa, llvm::StringRef best) {
  return isa == "generic" || isa == best ||
         (isa == "avx2" && best == "avx512-vnni") ||
         (isa == "neon-dotprod" && best == "neon-i8mm");
}

std::string qc::cpuFeaturesMissingOnHost(llvm::StringRef cpu) {
  if (llvm::Triple(llvm::sys::getProcessTriple()).getArch() !=
          llvm::Triple::x86_64 ||
      llvm::X86::parseArchX86(cpu, /*Only64Bit=*/true) == llvm::X86::CK_None)
    return "all (not an x86-64 CPU on an x86-64 host)";
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  llvm::SmallVector<llvm::StringRef> list;
  llvm::X86::getFeaturesForCPU(cpu, list);
  // The instruction-set extensions code generation may use; system
  // features (x87, pku, sgx, ...) that a VM may hide from the host's list
  // do not matter to the generated code.
  auto matters = [](llvm::StringRef f) {
    for (llvm::StringRef p : {"sse", "ssse3", "avx", "fma", "f16c", "bmi",
                              "popcnt", "lzcnt", "movbe", "gfni", "vaes",
                              "vpclmulqdq", "amx"})
      if (f.starts_with(p))
        return true;
    return false;
  };
  std::string missing;
  for (llvm::StringRef f : list)
    if (matters(f) && !host.lookup(f))
      missing += (missing.empty() ? "" : ",") + f.str();
  return missing;
}
