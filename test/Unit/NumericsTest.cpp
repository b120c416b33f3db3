//===- NumericsTest.cpp - Requantization helpers and qc-lower-quant -------===//
//
// Multiplier/shift computation (TOSA 32-bit convention), the overflow-free
// apply_scale, the int64 overflow bound the lowering relies on, and the
// pass's rejection of scales the textual parser cannot produce.
//
//===----------------------------------------------------------------------===//
#include "qc/Dialect/QC/Transforms/Numerics.h"
#include "qc/Dialect/QC/IR/QCOps.h"
#include "qc/Dialect/QC/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

using namespace mlir;
using qc::RequantMultiplier;

namespace {

/// ratio as represented by a multiplier and shift.
double represented(RequantMultiplier m) {
  return std::ldexp(static_cast<double>(m.multiplier), -m.shift);
}

/// floor((value * multiplier + round) / 2^shift) in 128-bit arithmetic,
/// written directly from the TOSA definition.
int64_t applyScaleWide(int64_t value, RequantMultiplier m, bool doubleRound) {
  __int128 round = static_cast<__int128>(1) << (m.shift - 1);
  if (doubleRound && m.shift > 31)
    round += value >= 0 ? (1 << 30) : -(1 << 30);
  __int128 sum = static_cast<__int128>(value) * m.multiplier + round;
  __int128 divisor = static_cast<__int128>(1) << m.shift;
  __int128 q = sum / divisor; // truncates toward zero
  if (sum % divisor != 0 && sum < 0)
    --q;
  return static_cast<int64_t>(q);
}

} // namespace

TEST(RequantMultiplier, PowersOfTwo) {
  auto one = qc::computeRequantMultiplier(1.0);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->multiplier, 1 << 30);
  EXPECT_EQ(one->shift, 30);
  auto half = qc::computeRequantMultiplier(0.5);
  ASSERT_TRUE(half);
  EXPECT_EQ(half->multiplier, 1 << 30);
  EXPECT_EQ(half->shift, 31);
}

TEST(RequantMultiplier, RatioNearOne) {
  // Just below 1: the mantissa rounds up to 2^31 and is renormalized.
  auto below = qc::computeRequantMultiplier(1.0 - std::ldexp(1.0, -40));
  ASSERT_TRUE(below);
  EXPECT_EQ(below->multiplier, 1 << 30);
  EXPECT_EQ(below->shift, 30);
  // Far enough below 1 to keep its own multiplier.
  auto below2 = qc::computeRequantMultiplier(1.0 - std::ldexp(1.0, -20));
  ASSERT_TRUE(below2);
  EXPECT_EQ(below2->multiplier, 2147481600); // 2^31 - 2^11
  EXPECT_EQ(below2->shift, 31);
  // Just above 1.
  auto above = qc::computeRequantMultiplier(1.0 + std::ldexp(1.0, -30));
  ASSERT_TRUE(above);
  EXPECT_EQ(above->multiplier, (1 << 30) + 1);
  EXPECT_EQ(above->shift, 30);
}

TEST(RequantMultiplier, HalfAwayRounding) {
  // 0.02 = 0.64 * 2^-5; 0.64 * 2^31 = 1374389534.72 -> 1374389535.
  auto m = qc::computeRequantMultiplier(0.001 / 0.05);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->multiplier, 1374389535);
  EXPECT_EQ(m->shift, 36);
  // 0.95 * 2^31 = 2040109465.6 -> 2040109466.
  auto n = qc::computeRequantMultiplier(0.95 / 1073741824.0);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->multiplier, 2040109466);
  EXPECT_EQ(n->shift, 61);
}

TEST(RequantMultiplier, RatioAtLeastOne) {
  auto three = qc::computeRequantMultiplier(3.0);
  ASSERT_TRUE(three);
  EXPECT_EQ(three->multiplier, 1610612736); // 0.75 * 2^31
  EXPECT_EQ(three->shift, 29);
  // 2^28 is the largest power of two with a shift of at least 2.
  auto big = qc::computeRequantMultiplier(std::ldexp(1.0, 28));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->shift, 2);
  auto almost =
      qc::computeRequantMultiplier(std::ldexp(1.0 - std::ldexp(1.0, -20), 29));
  ASSERT_TRUE(almost);
  EXPECT_EQ(almost->shift, 2);
  EXPECT_FALSE(qc::computeRequantMultiplier(std::ldexp(1.0, 29)));
  // Rounds up to 2^29, so it is rejected too.
  EXPECT_FALSE(
      qc::computeRequantMultiplier(std::ldexp(1.0 - std::ldexp(1.0, -40), 29)));
  EXPECT_FALSE(qc::computeRequantMultiplier(1e10));
}

TEST(RequantMultiplier, TinyRatios) {
  // 2^-40: shift 70 is capped at 62 by dropping 8 multiplier bits.
  auto tiny = qc::computeRequantMultiplier(std::ldexp(1.0, -40));
  ASSERT_TRUE(tiny);
  EXPECT_EQ(tiny->shift, 62);
  EXPECT_EQ(tiny->multiplier, 1 << 22);
  EXPECT_DOUBLE_EQ(represented(*tiny), std::ldexp(1.0, -40));
  // Below 2^-62 every multiplier bit is gone.
  auto vanishing = qc::computeRequantMultiplier(1e-30);
  ASSERT_TRUE(vanishing);
  EXPECT_EQ(vanishing->shift, 62);
  EXPECT_EQ(vanishing->multiplier, 0);
  auto denormal =
      qc::computeRequantMultiplier(std::numeric_limits<double>::denorm_min());
  ASSERT_TRUE(denormal);
  EXPECT_EQ(denormal->multiplier, 0);
  EXPECT_EQ(denormal->shift, 62);
}

TEST(RequantMultiplier, RejectsInvalidRatios) {
  EXPECT_FALSE(qc::computeRequantMultiplier(0.0));
  EXPECT_FALSE(qc::computeRequantMultiplier(-0.5));
  EXPECT_FALSE(qc::computeRequantMultiplier(std::nan("")));
  EXPECT_FALSE(qc::computeRequantMultiplier(INFINITY));
}

TEST(RequantMultiplier, RelativeErrorBound) {
  // Wherever the shift is not capped, the multiplier has 31 significant bits:
  // relative error at most 2^-31.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-30.0, 28.0);
  for (int i = 0; i < 20000; ++i) {
    double ratio = std::exp2(exponent(rng));
    auto m = qc::computeRequantMultiplier(ratio);
    ASSERT_TRUE(m) << ratio;
    EXPECT_GE(m->multiplier, 1 << 30);
    EXPECT_LE(std::abs(represented(*m) - ratio) / ratio, std::ldexp(1.0, -31))
        << ratio;
  }
}

TEST(ApplyScale, Rounding) {
  RequantMultiplier half{1 << 30, 31};            // 0.5
  EXPECT_EQ(qc::applyScale(3, half, false), 2);   // 1.5 -> 2
  EXPECT_EQ(qc::applyScale(-3, half, false), -1); // -1.5 -> -1 (ties up)
  EXPECT_EQ(qc::applyScale(5, half, false), 3);   // 2.5 -> 3
  // Shift <= 31: double rounding is single rounding.
  EXPECT_EQ(qc::applyScale(-3, half, true), -1);
  RequantMultiplier eighth{1 << 30, 33};           // 0.125
  EXPECT_EQ(qc::applyScale(4, eighth, false), 1);  // 0.5 -> 1
  EXPECT_EQ(qc::applyScale(-4, eighth, false), 0); // -0.5 -> 0
  EXPECT_EQ(qc::applyScale(-4, eighth, true), -1); // away from zero
  // The double-rounding artifact: 0.375 first becomes 0.5 at bit 31.
  EXPECT_EQ(qc::applyScale(3, eighth, false), 0);
  EXPECT_EQ(qc::applyScale(3, eighth, true), 1);
  EXPECT_EQ(qc::applyScale(-3, eighth, true), 0);
}

TEST(ApplyScale, MatchesWideReferenceEverywhere) {
  std::mt19937_64 rng(11);
  std::uniform_int_distribution<int64_t> value(-(int64_t(1) << 32) + 1,
                                               (int64_t(1) << 32) - 1);
  std::uniform_int_distribution<int32_t> mult(0, INT32_MAX);
  std::uniform_int_distribution<int32_t> shift(2, 62);
  for (int i = 0; i < 200000; ++i) {
    RequantMultiplier m{mult(rng), shift(rng)};
    int64_t v = value(rng);
    for (bool dbl : {false, true})
      ASSERT_EQ(qc::applyScale(v, m, dbl), applyScaleWide(v, m, dbl))
          << v << " * " << m.multiplier << " >> " << m.shift;
  }
  // Extremes of 32-bit storage minus a zero point at the other extreme.
  for (int64_t v : {(int64_t(1) << 32) - 1, -(int64_t(1) << 32) + 1, int64_t(0),
                    int64_t(1), int64_t(-1)})
    for (int32_t s : {2, 31, 32, 61, 62})
      for (bool dbl : {false, true}) {
        RequantMultiplier m{INT32_MAX, s};
        EXPECT_EQ(qc::applyScale(v, m, dbl), applyScaleWide(v, m, dbl));
      }
}

TEST(ApplyScale, Int64Bound) {
  RequantMultiplier big{2040109466, 61};
  EXPECT_FALSE(qc::requantFitsInt64((uint64_t(1) << 32) - 1, big, false));
  EXPECT_TRUE(qc::requantFitsInt64(uint64_t(1) << 31, big, false));
  RequantMultiplier maxShift{INT32_MAX, 62};
  // i32 with zero point 0: |d| <= 2^31 always fits.
  EXPECT_TRUE(qc::requantFitsInt64(uint64_t(1) << 31, maxShift, true));
  EXPECT_TRUE(qc::requantFitsInt64(65535, maxShift, true));
  EXPECT_FALSE(qc::requantFitsInt64((uint64_t(1) << 32) - 1, maxShift, false));
}

namespace {
/// Runs qc-lower-quant on a function holding one qc.quantize (or
/// qc.dequantize) with element type `qtype`; returns the diagnostics, or
/// "success".
std::string lowerWithType(MLIRContext &ctx, quant::QuantizedType qtype,
                          bool dequantize) {
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    message += d.str();
    return success();
  });
  OpBuilder b(&ctx);
  Location loc = b.getUnknownLoc();
  auto floatType = RankedTensorType::get({4}, qtype.getExpressedType());
  auto quantType = RankedTensorType::get({4}, qtype);
  auto module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module.getBody());
  Type argType = dequantize ? Type(quantType) : Type(floatType);
  Type resultType = dequantize ? Type(floatType) : Type(quantType);
  auto fn = func::FuncOp::create(b, loc, "f",
                                 b.getFunctionType({argType}, {resultType}));
  Block *body = fn.addEntryBlock();
  b.setInsertionPointToEnd(body);
  Value result;
  if (dequantize)
    result = qc::DequantizeOp::create(b, loc, floatType, body->getArgument(0));
  else
    result = qc::QuantizeOp::create(b, loc, quantType, body->getArgument(0));
  func::ReturnOp::create(b, loc, result);
  PassManager pm(&ctx);
  pm.addPass(qc::createQCLowerQuantPass());
  if (succeeded(pm.run(module)))
    message = "success";
  module->erase();
  return message;
}
} // namespace

TEST(LowerQuant, RejectsScalesOutsideTheComputeType) {
  MLIRContext ctx;
  ctx.loadDialect<qc::QCDialect, func::FuncDialect>();
  auto i8 = IntegerType::get(&ctx, 8);
  // The parser refuses these scales; unchecked C++ construction does not.
  auto tiny = quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                               i8, Float32Type::get(&ctx),
                                               1e-50, 0, -128, 127);
  std::string message = lowerWithType(ctx, tiny, /*dequantize=*/false);
  EXPECT_NE(message.find("'qc.quantize' op cannot be lowered: result type "
                         "scale 1.000000e-50 is not a finite non-zero f32 "
                         "value"),
            std::string::npos)
      << message;
  auto huge = quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                               i8, Float16Type::get(&ctx), 1e39,
                                               0, -128, 127);
  message = lowerWithType(ctx, huge, /*dequantize=*/true);
  EXPECT_NE(message.find("input type scale 1.000000e+39 is not a finite "
                         "non-zero f32 value"),
            std::string::npos)
      << message;
}

TEST(LowerQuant, LowersValidType) {
  MLIRContext ctx;
  ctx.loadDialect<qc::QCDialect, func::FuncDialect>();
  auto i8 = IntegerType::get(&ctx, 8);
  auto ok = quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                             i8, Float32Type::get(&ctx), 0.5, 3,
                                             -128, 127);
  EXPECT_EQ(lowerWithType(ctx, ok, false), "success");
  EXPECT_EQ(lowerWithType(ctx, ok, true), "success");
}
