//===- DialectTest.cpp - qc dialect verifier checks from C++ --------------===//
//
// Quantized types built with the unchecked upstream `get` can carry scales
// the textual parser rejects (zero, negative, NaN, Inf). The QC verifiers
// must still report them; these tests build such types directly.
//
//===----------------------------------------------------------------------===//
#include "qc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>
#include <cmath>
#include <string>

using namespace mlir;

namespace {
std::string verifyQuantizeWithScale(double scale, int64_t zp = 0) {
  MLIRContext ctx;
  ctx.loadDialect<qc::QCDialect, func::FuncDialect>();
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  OpBuilder b(&ctx);
  Location loc = b.getUnknownLoc();
  auto i8 = b.getIntegerType(8);
  auto qtype = quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, i8, b.getF32Type(), scale, zp, -128,
      127);
  auto module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module.getBody());
  auto fn = func::FuncOp::create(b, loc, "f",
                                 b.getFunctionType({RankedTensorType::get({4}, b.getF32Type())}, {}));
  Block *body = fn.addEntryBlock();
  b.setInsertionPointToEnd(body);
  qc::QuantizeOp::create(b, loc, RankedTensorType::get({4}, qtype),
                         body->getArgument(0));
  func::ReturnOp::create(b, loc);
  (void)verify(module);
  module->erase();
  return message;
}
} // namespace

TEST(QCDialect, QuantizeRejectsNonPositiveScale) {
  EXPECT_NE(verifyQuantizeWithScale(0.0).find("a scale must be finite and > 0"),
            std::string::npos);
  EXPECT_NE(verifyQuantizeWithScale(-0.5).find("has scale -5.000000e-01"),
            std::string::npos);
}

TEST(QCDialect, QuantizeRejectsNonFiniteScale) {
  EXPECT_NE(verifyQuantizeWithScale(std::nan("")).find("a scale must be finite"),
            std::string::npos);
  EXPECT_NE(verifyQuantizeWithScale(INFINITY).find("a scale must be finite"),
            std::string::npos);
}

TEST(QCDialect, QuantizeAcceptsValidScale) {
  EXPECT_EQ(verifyQuantizeWithScale(0.25, 3), "");
}
