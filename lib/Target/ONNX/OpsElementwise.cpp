//===- OpsElementwise.cpp - Elementwise ONNX ops and constants ------------===//
//
// Arithmetic with numpy broadcasting, activations, casts, comparisons and the
// ops that only produce known tensors (Constant, ConstantOfShape, Range). Each
// folds when all inputs are known; otherwise it becomes one linalg.generic.
//
//===----------------------------------------------------------------------===//
#include "Importer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace qc::onnx_import;

static bool allKnown(llvm::ArrayRef<TensorValue *> ins, bool allowSymbols = false) {
  for (TensorValue *t : ins)
    if (!t->isConst() || (!allowSymbols && t->cst->hasSymbols()))
      return false;
  return true;
}

/// Folds an elementwise op over known inputs.
static FailureOr<TensorValue>
foldEw(Importer &imp, llvm::ArrayRef<TensorValue *> ins, int outDtype,
       bool inFloat, llvm::function_ref<double(llvm::ArrayRef<double>)> fop,
       llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> iop) {
  SmallVector<Shape> shapes;
  SmallVector<const ConstData *> cs;
  for (TensorValue *t : ins) {
    shapes.push_back(t->shape);
    cs.push_back(t->cst.get());
  }
  auto out = imp.broadcastShapes(shapes);
  if (failed(out))
    return failure();
  return imp.known(foldElementwise(cs, *out, outDtype, inFloat, fop, iop));
}

static LogicalResult checkSameTypes(Importer &imp,
                                    llvm::ArrayRef<TensorValue *> ins) {
  for (TensorValue *t : ins)
    if (t->dtype != ins[0]->dtype)
      return imp.fail("inconsistent element types: " + dtypeName(ins[0]->dtype) +
                      " and " + dtypeName(t->dtype));
  return success();
}

static int64_t wrapInt(int dtype, int64_t v) {
  ConstData c;
  c.dtype = dtype;
  c.shape = {};
  c.bytes.assign(dtypeBytes(dtype), 0);
  c.setI(0, v);
  return c.getI(0);
}

LogicalResult Importer::importBinaryArith() {
  auto a = required(0);
  auto c = required(1);
  if (failed(a) || failed(c))
    return failure();
  if (attr("axis") || attr("broadcast"))
    return fail("legacy (opset < 7) broadcast attributes are not supported");
  TensorValue *ins[] = {*a, *c};
  if (failed(checkSameTypes(*this, ins)))
    return failure();
  llvm::StringRef op = node->op_type();
  int dt = (*a)->dtype;
  if (!isSupportedDType(dt) || dt == DT_BOOL)
    return fail("unsupported element type " + dtypeName(dt));

  if (allKnown(ins, /*allowSymbols=*/true)) {
    bool sym = (*a)->cst->hasSymbols() || (*c)->cst->hasSymbols();
    bool ok = true;
    auto iop = [&](llvm::ArrayRef<int64_t> v) -> int64_t {
      int64_t x = v[0], y = v[1];
      if (sym && (isSymValue(x) || isSymValue(y))) {
        // Only identities keep a symbolic value.
        if (op == "Mul" && (y == 1 || x == 1))
          return y == 1 ? x : y;
        if ((op == "Add" && (y == 0 || x == 0)))
          return y == 0 ? x : y;
        if ((op == "Sub" && y == 0) || (op == "Div" && y == 1))
          return x;
        ok = false;
        return 0;
      }
      uint64_t ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
      if (op == "Add")
        return wrapInt(dt, static_cast<int64_t>(ux + uy));
      if (op == "Sub")
        return wrapInt(dt, static_cast<int64_t>(ux - uy));
      if (op == "Mul")
        return wrapInt(dt, static_cast<int64_t>(ux * uy));
      if (y == 0 || (x == std::numeric_limits<int64_t>::min() && y == -1))
        return 0;
      if (isUnsignedDType(dt))
        return static_cast<int64_t>(ux / uy);
      return x / y;
    };
    auto fop = [&](llvm::ArrayRef<double> v) -> double {
      if (op == "Add")
        return v[0] + v[1];
      if (op == "Sub")
        return v[0] - v[1];
      if (op == "Mul")
        return v[0] * v[1];
      return v[0] / v[1];
    };
    bool inFloat = isFloatDType(dt);
    if (inFloat && dt == DT_FLOAT) {
      // Compute in float32 like the runtime would.
      auto f32op = [&](llvm::ArrayRef<double> v) -> double {
        float x = static_cast<float>(v[0]), y = static_cast<float>(v[1]);
        if (op == "Add")
          return x + y;
        if (op == "Sub")
          return x - y;
        if (op == "Mul")
          return x * y;
        return x / y;
      };
      auto r = foldEw(*this, ins, dt, true, f32op, iop);
      if (failed(r))
        return failure();
      return setOutput(0, *r);
    }
    auto r = foldEw(*this, ins, dt, inFloat, fop, iop);
    if (failed(r))
      return failure();
    if (ok)
      return setOutput(0, *r);
  }
  auto r = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                    ArrayRef<Value> v) -> Value {
    if (op == "Add")
      return add(ob, l, dt, v[0], v[1]);
    if (op == "Sub")
      return sub(ob, l, dt, v[0], v[1]);
    if (op == "Mul")
      return mul(ob, l, dt, v[0], v[1]);
    return div(ob, l, dt, v[0], v[1]);
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

LogicalResult Importer::importPow() {
  auto x = required(0);
  auto y = required(1);
  if (failed(x) || failed(y))
    return failure();
  int xdt = (*x)->dtype, ydt = (*y)->dtype;
  if (xdt == DT_BOOL || ydt == DT_BOOL)
    return fail("Pow on bool tensors is not supported");
  TensorValue *ins[] = {*x, *y};
  if (allKnown(ins)) {
    auto r = foldEw(
        *this, ins, xdt, true,
        [&](llvm::ArrayRef<double> v) {
          double p = std::pow(v[0], v[1]);
          return xdt == DT_FLOAT ? static_cast<double>(static_cast<float>(p)) : p;
        },
        nullptr);
    if (failed(r))
      return failure();
    return setOutput(0, *r);
  }
  // Common exponents get cheaper exact forms.
  std::optional<double> k;
  if ((*y)->isConst() && (*y)->cst->numel() == 1)
    k = (*y)->cst->getF(0);
  if (isFloatDType(xdt) && k && (*k == 1.0 || *k == 2.0)) {
    TensorValue *one[] = {*x};
    bool square = *k == 2.0;
    auto r = elementwise(one, xdt, [&](OpBuilder &ob, Location l,
                                       ArrayRef<Value> v) -> Value {
      return square ? arith::MulFOp::create(ob, l, v[0], v[0]).getResult()
                    : v[0];
    });
    if (failed(r))
      return failure();
    return setOutput(0, *r);
  }
  auto r = elementwise(ins, xdt, [&](OpBuilder &ob, Location l,
                                     ArrayRef<Value> v) -> Value {
    if (isFloatDType(xdt))
      return math::PowFOp::create(ob, l, v[0], convert(ob, l, v[1], ydt, xdt));
    // Integer base: compute in f64 (exact for results below 2^53) and
    // round, which keeps the IR free of math.ipowi.
    Value xf = convert(ob, l, v[0], xdt, DT_DOUBLE);
    Value yf = convert(ob, l, v[1], ydt, DT_DOUBLE);
    Value p = math::PowFOp::create(ob, l, xf, yf);
    if (!isFloatDType(ydt))
      p = math::RoundEvenOp::create(ob, l, p);
    return convert(ob, l, p, DT_DOUBLE, xdt);
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

LogicalResult Importer::importVariadic() {
  SmallVector<TensorValue *> ins;
  for (unsigned i = 0; i < numInputs(); ++i) {
    auto t = required(i);
    if (failed(t))
      return failure();
    ins.push_back(*t);
  }
  if (ins.empty())
    return fail("needs at least one input");
  if (failed(checkSameTypes(*this, ins)))
    return failure();
  llvm::StringRef op = node->op_type();
  int dt = ins[0]->dtype;
  if (op == "Mean" && !isFloatDType(dt))
    return fail("Mean needs floating-point inputs");
  size_t n = ins.size();
  if (allKnown(ins)) {
    auto r = foldEw(
        *this, ins, dt, isFloatDType(dt),
        [&](llvm::ArrayRef<double> v) {
          double acc = v[0];
          for (size_t k = 1; k < v.size(); ++k) {
            if (op == "Max")
              acc = (std::isnan(acc) || std::isnan(v[k])) ? NAN : std::max(acc, v[k]);
            else if (op == "Min")
              acc = (std::isnan(acc) || std::isnan(v[k])) ? NAN : std::min(acc, v[k]);
            else
              acc += v[k];
          }
          return op == "Mean" ? acc / static_cast<double>(n) : acc;
        },
        [&](llvm::ArrayRef<int64_t> v) {
          int64_t acc = v[0];
          for (size_t k = 1; k < v.size(); ++k) {
            if (op == "Max")
              acc = std::max(acc, v[k]);
            else if (op == "Min")
              acc = std::min(acc, v[k]);
            else
              acc += v[k];
          }
          return acc;
        });
    if (failed(r))
      return failure();
    return setOutput(0, *r);
  }
  auto r = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                    ArrayRef<Value> v) -> Value {
    Value acc = v[0];
    for (size_t k = 1; k < v.size(); ++k) {
      if (op == "Max")
        acc = max(ob, l, dt, acc, v[k]);
      else if (op == "Min")
        acc = min(ob, l, dt, acc, v[k]);
      else
        acc = add(ob, l, dt, acc, v[k]);
    }
    if (op == "Mean")
      acc = arith::DivFOp::create(ob, l, acc,
                                  scalarConst(ob, l, dt, static_cast<double>(n)));
    return acc;
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

namespace {
struct UnaryParams {
  double alpha = 0, beta = 0, gamma = 0;
};
} // namespace

static double foldUnary(llvm::StringRef op, double x, const UnaryParams &p) {
  if (op == "Sqrt")
    return std::sqrt(x);
  if (op == "Exp")
    return std::exp(x);
  if (op == "Log")
    return std::log(x);
  if (op == "Neg")
    return -x;
  if (op == "Abs")
    return std::fabs(x);
  if (op == "Reciprocal")
    return 1.0 / x;
  if (op == "Floor")
    return std::floor(x);
  if (op == "Ceil")
    return std::ceil(x);
  if (op == "Sigmoid")
    return 1.0 / (1.0 + std::exp(-x));
  if (op == "Tanh")
    return std::tanh(x);
  if (op == "Erf")
    return std::erf(x);
  if (op == "Sin")
    return std::sin(x);
  if (op == "Cos")
    return std::cos(x);
  if (op == "Softplus")
    return std::log(std::exp(x) + 1.0);
  if (op == "Softsign")
    return x / (1.0 + std::fabs(x));
  if (op == "Elu")
    return x < 0 ? p.alpha * (std::exp(x) - 1.0) : x;
  if (op == "Selu")
    return x <= 0 ? p.gamma * (p.alpha * std::exp(x) - p.alpha) : p.gamma * x;
  if (op == "HardSigmoid")
    return std::max(0.0, std::min(1.0, p.alpha * x + p.beta));
  if (op == "HardSwish")
    return x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5));
  if (op == "Round")
    return std::nearbyint(x);
  if (op == "Sign")
    return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
  return x;
}

LogicalResult Importer::importUnary() {
  auto xr = required(0);
  if (failed(xr))
    return failure();
  TensorValue *x = *xr;
  llvm::StringRef op = node->op_type();
  int dt = x->dtype;
  bool intOk = op == "Neg" || op == "Abs" || op == "Sign";
  if (!isFloatDType(dt) && !(intOk && isIntegerDType(dt) && dt != DT_BOOL))
    return fail("unsupported element type " + dtypeName(dt));
  UnaryParams p;
  if (op == "Elu") {
    auto a = attrFloat("alpha", 1.0f);
    if (failed(a))
      return failure();
    p.alpha = *a;
  } else if (op == "Selu") {
    auto a = attrFloat("alpha", 1.67326319217681884765625f);
    auto g = attrFloat("gamma", 1.05070102214813232421875f);
    if (failed(a) || failed(g))
      return failure();
    p.alpha = *a;
    p.gamma = *g;
  } else if (op == "HardSigmoid") {
    auto a = attrFloat("alpha", 0.2f);
    auto bb = attrFloat("beta", 0.5f);
    if (failed(a) || failed(bb))
      return failure();
    p.alpha = *a;
    p.beta = *bb;
  }
  TensorValue *ins[] = {x};
  if (allKnown(ins)) {
    auto r = foldEw(
        *this, ins, dt, isFloatDType(dt),
        [&](llvm::ArrayRef<double> v) { return foldUnary(op, v[0], p); },
        [&](llvm::ArrayRef<int64_t> v) -> int64_t {
          if (op == "Neg")
            return -v[0];
          if (op == "Abs")
            return v[0] < 0 ? -v[0] : v[0];
          return v[0] > 0 ? 1 : (v[0] < 0 ? -1 : 0);
        });
    if (failed(r))
      return failure();
    return setOutput(0, *r);
  }
  auto r = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                    ArrayRef<Value> v) -> Value {
    Value a = v[0];
    auto cst = [&](double c) { return scalarConst(ob, l, dt, c); };
    if (!isFloatDType(dt)) {
      Value zero = cst(0);
      if (op == "Neg")
        return arith::SubIOp::create(ob, l, zero, a);
      if (op == "Abs")
        return math::AbsIOp::create(ob, l, a);
      Value pos = arith::CmpIOp::create(ob, l, arith::CmpIPredicate::sgt, a, zero);
      Value neg = arith::CmpIOp::create(ob, l, arith::CmpIPredicate::slt, a, zero);
      Value s = arith::SelectOp::create(ob, l, neg, cst(-1), zero);
      return arith::SelectOp::create(ob, l, pos, cst(1), s);
    }
    if (op == "Sqrt")
      return math::SqrtOp::create(ob, l, a);
    if (op == "Exp")
      return math::ExpOp::create(ob, l, a);
    if (op == "Log")
      return math::LogOp::create(ob, l, a);
    if (op == "Neg")
      return arith::NegFOp::create(ob, l, a);
    if (op == "Abs")
      return math::AbsFOp::create(ob, l, a);
    if (op == "Reciprocal")
      return arith::DivFOp::create(ob, l, cst(1.0), a);
    if (op == "Floor")
      return math::FloorOp::create(ob, l, a);
    if (op == "Ceil")
      return math::CeilOp::create(ob, l, a);
    if (op == "Round")
      return math::RoundEvenOp::create(ob, l, a);
    if (op == "Sigmoid") {
      Value e = math::ExpOp::create(ob, l, arith::NegFOp::create(ob, l, a));
      return arith::DivFOp::create(ob, l, cst(1.0),
                                   arith::AddFOp::create(ob, l, cst(1.0), e));
    }
    if (op == "Tanh")
      return math::TanhOp::create(ob, l, a);
    if (op == "Erf")
      return math::ErfOp::create(ob, l, a);
    if (op == "Sin")
      return math::SinOp::create(ob, l, a);
    if (op == "Cos")
      return math::CosOp::create(ob, l, a);
    if (op == "Softplus")
      return math::Log1pOp::create(ob, l, math::ExpOp::create(ob, l, a));
    if (op == "Softsign")
      return arith::DivFOp::create(
          ob, l, a,
          arith::AddFOp::create(ob, l, cst(1.0), math::AbsFOp::create(ob, l, a)));
    if (op == "Elu" || op == "Selu") {
      Value em1 = math::ExpM1Op::create(ob, l, a);
      Value neg = arith::MulFOp::create(ob, l, cst(p.alpha), em1);
      Value isNeg = arith::CmpFOp::create(
          ob, l, op == "Elu" ? arith::CmpFPredicate::OLT : arith::CmpFPredicate::OLE,
          a, cst(0.0));
      Value r = arith::SelectOp::create(ob, l, isNeg, neg, a);
      if (op == "Selu")
        r = arith::MulFOp::create(ob, l, cst(p.gamma), r);
      return r;
    }
    if (op == "HardSigmoid" || op == "HardSwish") {
      Value t = op == "HardSigmoid"
                    ? arith::AddFOp::create(
                          ob, l, arith::MulFOp::create(ob, l, cst(p.alpha), a),
                          cst(p.beta))
                    : arith::AddFOp::create(
                          ob, l, arith::DivFOp::create(ob, l, a, cst(6.0)),
                          cst(0.5));
      Value c = arith::MinimumFOp::create(
          ob, l, arith::MaximumFOp::create(ob, l, t, cst(0.0)), cst(1.0));
      return op == "HardSigmoid" ? c : arith::MulFOp::create(ob, l, a, c);
    }
    // Sign.
    Value zero = cst(0.0);
    Value pos = arith::CmpFOp::create(ob, l, arith::CmpFPredicate::OGT, a, zero);
    Value neg = arith::CmpFOp::create(ob, l, arith::CmpFPredicate::OLT, a, zero);
    Value s = arith::SelectOp::create(ob, l, neg, cst(-1.0), zero);
    return arith::SelectOp::create(ob, l, pos, cst(1.0), s);
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

LogicalResult Importer::importRelu() {
  auto x = required(0);
  if (failed(x))
    return failure();
  int dt = (*x)->dtype;
  if (dt == DT_BOOL)
    return fail("Relu on bool tensors is not supported");
  TensorValue *ins[] = {*x};
  if (allKnown(ins)) {
    auto r = foldEw(
        *this, ins, dt, isFloatDType(dt),
        [](llvm::ArrayRef<double> v) { return std::isnan(v[0]) ? v[0] : std::max(v[0], 0.0); },
        [](llvm::ArrayRef<int64_t> v) { return std::max<int64_t>(v[0], 0); });
    if (failed(r))
      return failure();
    return setOutput(0, *r);
  }
  auto r = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                    ArrayRef<Value> v) -> Value {
    return max(ob, l, dt, v[0], scalarConst(ob, l, dt, 0.0));
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

LogicalResult Importer::importLeakyRelu() {
  auto x = required(0);
  auto alpha = attrFloat("alpha", 0.01f);
  if (failed(x) || failed(alpha))
    return failure();
  int dt = (*x)->dtype;
  if (!isFloatDType(dt))
    return fail("unsupported element type " + dtypeName(dt));
  double a = *alpha;
  TensorValue *ins[] = {*x};
  if (allKnown(ins)) {
    auto r = foldEw(
        *this, ins, dt, true,
        [&](llvm::ArrayRef<double> v) { return v[0] > 0 ? v[0] : v[0] * a; },
        nullptr);
    if (failed(r))
      return failure();
    return setOutput(0, *r);
  }
  auto r = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                    ArrayRef<Value> v) -> Value {
    Value pos = arith::CmpFOp::create(ob, l, arith::CmpFPredicate::OGT, v[0],
                                      scalarConst(ob, l, dt, 0.0));
    Value scaled = arith::MulFOp::create(ob, l, v[0], scalarConst(ob, l, dt, a));
    return arith::SelectOp::create(ob, l, pos, v[0], scaled);
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

LogicalResult Importer::importClip() {
  auto x = required(0);
  if (failed(x))
    return failure();
  int dt = (*x)->dtype;
  if (dt == DT_BOOL)
    return fail("Clip on bool tensors is not supported");
  // Bounds: attributes before opset 11, optional inputs from 11 on.
  TensorValue minAttr, maxAttr;
  TensorValue *lo = nullptr, *hi = nullptr;
  if (opset < 11) {
    auto mn = attrFloat("min", -std::numeric_limits<float>::max());
    auto mx = attrFloat("max", std::numeric_limits<float>::max());
    if (failed(mn) || failed(mx))
      return failure();
    auto mk = [&](double v) {
      auto c = ConstData::create(dt, {});
      c->setF(0, v);
      return known(c);
    };
    minAttr = mk(*mn);
    maxAttr = mk(*mx);
    lo = &minAttr;
    hi = &maxAttr;
  } else {
    lo = input(1);
    hi = input(2);
  }
  for (TensorValue *t : {lo, hi})
    if (t && t->dtype != dt)
      return fail("inconsistent element types: " + dtypeName(dt) + " and " +
                  dtypeName(t->dtype));
  SmallVector<TensorValue *> ins = {*x};
  if (lo)
    ins.push_back(lo);
  if (hi)
    ins.push_back(hi);
  bool hasLo = lo != nullptr, hasHi = hi != nullptr;
  if (allKnown(ins)) {
    auto r = foldEw(
        *this, ins, dt, isFloatDType(dt),
        [&](llvm::ArrayRef<double> v) {
          double r = v[0];
          size_t k = 1;
          if (hasLo)
            r = std::isnan(r) ? r : std::max(r, v[k++]);
          if (hasHi)
            r = std::isnan(r) ? r : std::min(r, v[k]);
          return r;
        },
        [&](llvm::ArrayRef<int64_t> v) {
          int64_t r = v[0];
          size_t k = 1;
          if (hasLo)
            r = std::max(r, v[k++]);
          if (hasHi)
            r = std::min(r, v[k]);
          return r;
        });
    if (failed(r))
      return failure();
    return setOutput(0, *r);
  }
  auto r = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                    ArrayRef<Value> v) -> Value {
    Value r = v[0];
    size_t k = 1;
    if (hasLo)
      r = max(ob, l, dt, r, v[k++]);
    if (hasHi)
      r = min(ob, l, dt, r, v[k]);
    return r;
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

LogicalResult Importer::importCast() {
  auto x = required(0);
  auto to = attrInt("to", DT_UNDEFINED);
  if (failed(x) || failed(to))
    return failure();
  int toDt = static_cast<int>(*to);
  if (!isSupportedDType(toDt))
    return fail("unsupported target type " + dtypeName(toDt));
  int dt = (*x)->dtype;
  if (dt == toDt)
    return setOutput(0, **x);
  TensorValue *ins[] = {*x};
  if (allKnown(ins))
    return setOutput(0, known(foldCast(*(*x)->cst, toDt)));
  auto r = elementwise(ins, toDt, [&](OpBuilder &ob, Location l,
                                      ArrayRef<Value> v) -> Value {
    return convert(ob, l, v[0], dt, toDt);
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

LogicalResult Importer::importCompare() {
  auto a = required(0);
  auto c = required(1);
  if (failed(a) || failed(c))
    return failure();
  TensorValue *ins[] = {*a, *c};
  if (failed(checkSameTypes(*this, ins)))
    return failure();
  llvm::StringRef op = node->op_type();
  int dt = (*a)->dtype;
  auto cmpD = [&](double x, double y) -> bool {
    if (op == "Equal")
      return x == y;
    if (op == "Less")
      return x < y;
    if (op == "Greater")
      return x > y;
    if (op == "LessOrEqual")
      return x <= y;
    return x >= y;
  };
  if (allKnown(ins)) {
    auto r = foldEw(
        *this, ins, DT_BOOL, isFloatDType(dt),
        [&](llvm::ArrayRef<double> v) { return cmpD(v[0], v[1]) ? 1.0 : 0.0; },
        [&](llvm::ArrayRef<int64_t> v) -> int64_t {
          if (isUnsignedDType(dt))
            return cmpD(static_cast<double>(static_cast<uint64_t>(v[0])),
                        static_cast<double>(static_cast<uint64_t>(v[1])));
          if (op == "Equal")
            return v[0] == v[1];
          if (op == "Less")
            return v[0] < v[1];
          if (op == "Greater")
            return v[0] > v[1];
          if (op == "LessOrEqual")
            return v[0] <= v[1];
          return v[0] >= v[1];
        });
    if (failed(r))
      return failure();
    return setOutput(0, *r);
  }
  auto r = elementwise(ins, DT_BOOL, [&](OpBuilder &ob, Location l,
                                         ArrayRef<Value> v) -> Value {
    if (isFloatDType(dt)) {
      arith::CmpFPredicate p = op == "Equal"    ? arith::CmpFPredicate::OEQ
                               : op == "Less"   ? arith::CmpFPredicate::OLT
                               : op == "Greater" ? arith::CmpFPredicate::OGT
                               : op == "LessOrEqual" ? arith::CmpFPredicate::OLE
                                                     : arith::CmpFPredicate::OGE;
      return arith::CmpFOp::create(ob, l, p, v[0], v[1]);
    }
    bool u = isUnsignedDType(dt);
    arith::CmpIPredicate p =
        op == "Equal" ? arith::CmpIPredicate::eq
        : op == "Less" ? (u ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt)
        : op == "Greater"
            ? (u ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
        : op == "LessOrEqual"
            ? (u ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle)
            : (u ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge);
    return arith::CmpIOp::create(ob, l, p, v[0], v[1]);
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

LogicalResult Importer::importWhere() {
  auto c = required(0);
  auto x = required(1);
  auto y = required(2);
  if (failed(c) || failed(x) || failed(y))
    return failure();
  if ((*c)->dtype != DT_BOOL)
    return fail("condition must be bool, not " + dtypeName((*c)->dtype));
  TensorValue *xy[] = {*x, *y};
  if (failed(checkSameTypes(*this, xy)))
    return failure();
  int dt = (*x)->dtype;
  TensorValue *ins[] = {*c, *x, *y};
  if (allKnown(ins)) {
    auto r = foldEw(
        *this, ins, dt, isFloatDType(dt),
        [](llvm::ArrayRef<double> v) { return v[0] != 0 ? v[1] : v[2]; },
        [](llvm::ArrayRef<int64_t> v) { return v[0] != 0 ? v[1] : v[2]; });
    if (failed(r))
      return failure();
    return setOutput(0, *r);
  }
  auto r = elementwise(ins, dt, [&](OpBuilder &ob, Location l,
                                    ArrayRef<Value> v) -> Value {
    return arith::SelectOp::create(ob, l, v[0], v[1], v[2]);
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

LogicalResult Importer::importNot() {
  auto x = required(0);
  if (failed(x))
    return failure();
  if ((*x)->dtype != DT_BOOL)
    return fail("Not needs a bool input");
  TensorValue *ins[] = {*x};
  if (allKnown(ins)) {
    auto r = foldEw(*this, ins, DT_BOOL, false, nullptr,
                    [](llvm::ArrayRef<int64_t> v) -> int64_t { return !v[0]; });
    if (failed(r))
      return failure();
    return setOutput(0, *r);
  }
  auto r = elementwise(ins, DT_BOOL, [&](OpBuilder &ob, Location l,
                                         ArrayRef<Value> v) -> Value {
    return arith::XOrIOp::create(ob, l, v[0], scalarConst(ob, l, DT_BOOL, 1.0));
  });
  if (failed(r))
    return failure();
  return setOutput(0, *r);
}

LogicalResult Importer::importIdentity() {
  auto x = required(0);
  if (failed(x))
    return failure();
  return setOutput(0, **x);
}

LogicalResult Importer::importDropout() {
  auto x = required(0);
  if (failed(x))
    return failure();
  if (TensorValue *training = input(2)) {
    if (!training->isConst() || training->cst->numel() != 1)
      return fail("training_mode must be a known scalar");
    if (training->cst->getI(0) != 0)
      return fail("training mode (random dropout) is not supported");
  }
  if (failed(setOutput(0, **x)))
    return failure();
  if (hasOutput(1)) {
    const Shape &s = (*x)->shape;
    if (numElements(s) >= 0) {
      auto c = ConstData::create(DT_BOOL, s);
      for (int64_t i = 0, e = c->numel(); i < e; ++i)
        c->setI(i, 1);
      return setOutput(1, known(c));
    }
    return setOutput(1, result(filled(s, DT_BOOL, 1.0), DT_BOOL, s));
  }
  return success();
}

LogicalResult Importer::importConstant() {
  if (node->attribute_size() != 1)
    return fail("expected exactly one value attribute, got " +
                llvm::Twine(node->attribute_size()));
  const onnx::AttributeProto &a = node->attribute(0);
  llvm::StringRef name = a.name();
  if (name == "value") {
    auto c = parseTensor(a.t(), "Constant");
    if (failed(c))
      return failure();
    return setOutput(0, known(*c));
  }
  if (name == "value_float" || name == "value_int") {
    bool isF = name == "value_float";
    auto c = ConstData::create(isF ? DT_FLOAT : DT_INT64, {});
    if (isF)
      c->setF(0, a.f());
    else
      c->setI(0, a.i());
    return setOutput(0, known(c));
  }
  if (name == "value_floats" || name == "value_ints") {
    bool isF = name == "value_floats";
    int64_t n = isF ? a.floats_size() : a.ints_size();
    auto c = ConstData::create(isF ? DT_FLOAT : DT_INT64, {n});
    for (int64_t i = 0; i < n; ++i) {
      if (isF)
        c->setF(i, a.floats(static_cast<int>(i)));
      else
        c->setI(i, a.ints(static_cast<int>(i)));
    }
    return setOutput(0, known(c));
  }
  return fail("unsupported constant attribute '" + name + "'");
}

LogicalResult Importer::importConstantOfShape() {
  auto s = required(0);
  if (failed(s))
    return failure();
  auto dims = constInts(*s, "shape");
  if (failed(dims))
    return failure();
  int dt = DT_FLOAT;
  double v = 0.0;
  int64_t iv = 0;
  if (const onnx::AttributeProto *a = attr("value")) {
    auto c = parseTensor(a->t(), "ConstantOfShape value");
    if (failed(c))
      return failure();
    if ((*c)->numel() != 1)
      return fail("'value' must hold exactly one element");
    dt = (*c)->dtype;
    v = (*c)->getF(0);
    iv = (*c)->getI(0);
  }
  Shape shape;
  for (int64_t d : *dims) {
    if (isSymValue(d))
      shape.push_back(symDim(valueSym(d)));
    else if (d < 0)
      return fail("negative dimension " + llvm::Twine(d) + " in shape");
    else
      shape.push_back(d);
  }
  if (numElements(shape) >= 0) {
    auto c = ConstData::create(dt, shape);
    for (int64_t i = 0, e = c->numel(); i < e; ++i) {
      if (isFloatDType(dt))
        c->setF(i, v);
      else
        c->setI(i, iv);
    }
    return setOutput(0, known(c));
  }
  return setOutput(0, result(filled(shape, Scalar{dt, v, iv}), dt, shape));
}

LogicalResult Importer::importRange() {
  auto s = required(0);
  auto l = required(1);
  auto d = required(2);
  if (failed(s) || failed(l) || failed(d))
    return failure();
  auto start = constScalar(*s, "start");
  auto limit = constScalar(*l, "limit");
  auto delta = constScalar(*d, "delta");
  if (failed(start) || failed(limit) || failed(delta))
    return failure();
  if (*delta == 0)
    return fail("delta must not be zero");
  int dt = (*s)->dtype;
  int64_t n = std::max<int64_t>(
      0, static_cast<int64_t>(std::ceil((*limit - *start) / *delta)));
  auto c = ConstData::create(dt, {n});
  for (int64_t i = 0; i < n; ++i) {
    if (isFloatDType(dt))
      c->setF(i, *start + static_cast<double>(i) * *delta);
    else
      c->setI(i, (*s)->cst->getI(0) + i * (*d)->cst->getI(0));
  }
  return setOutput(0, known(c));
}
