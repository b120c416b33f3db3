//===- FloatPatterns.cpp - Recognizing quantizable float structures -------===//
#include "FloatPatterns.h"

#include "qc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace qc;

Value qc::stripObservers(Value v) {
  while (auto obs = v.getDefiningOp<qc::ObserveOp>())
    v = obs.getInput();
  return v;
}

static void collectUsers(Value v, SmallVectorImpl<Operation *> &users) {
  for (Operation *u : v.getUsers()) {
    if (auto obs = dyn_cast<qc::ObserveOp>(u))
      collectUsers(obs.getResult(), users);
    else
      users.push_back(u);
  }
}

Operation *qc::soleUser(Value v) {
  SmallVector<Operation *> users;
  collectUsers(v, users);
  if (users.size() != 1)
    return nullptr;
  // The same op using the value twice still counts as one consumer.
  return users.front();
}

std::optional<std::vector<float>> qc::constantFloats(Value v) {
  v = stripObservers(v);
  auto cst = v.getDefiningOp<arith::ConstantOp>();
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!cst || !type || !type.getElementType().isF32())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue())) {
    auto values = dense.getValues<float>();
    return std::vector<float>(values.begin(), values.end());
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(cst.getValue())) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> bytes = blob->getData();
    if (bytes.size() != type.getNumElements() * sizeof(float))
      return std::nullopt;
    std::vector<float> out(type.getNumElements());
    std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }
  return std::nullopt;
}

std::optional<double> qc::constantScalar(Value v) {
  Attribute attr;
  if (!matchPattern(stripObservers(v), m_Constant(&attr)))
    return std::nullopt;
  if (auto f = dyn_cast<FloatAttr>(attr))
    return f.getValueAsDouble();
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    if (isa<FloatType>(splat.getElementType()))
      return splat.getSplatValue<APFloat>().convertToDouble();
  return std::nullopt;
}

namespace {
/// Evaluates the scalar body of an elementwise op symbolically: which input
/// the yielded value derives from and through which clamps.
struct BodyMatcher {
  linalg::LinalgOp op;
  Block *body;

  /// Input index of a block argument, or -1.
  int inputIndex(Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    if (!arg || arg.getOwner() != body)
      return -1;
    unsigned n = arg.getArgNumber();
    return n < op.getNumDpsInputs() ? static_cast<int>(n) : -1;
  }

  /// A scalar constant defined in or above the body, or a block argument
  /// bound to a splat/scalar constant input.
  std::optional<double> scalar(Value v) {
    if (int i = inputIndex(v); i >= 0)
      return constantScalar(op.getDpsInputOperand(i)->get());
    return constantScalar(v);
  }

  /// Matches `v` as clamp(arg, lo, hi) built from max/min with constants.
  bool clamp(Value v, int &arg, std::optional<double> &lo,
             std::optional<double> &hi) {
    if (int i = inputIndex(v); i >= 0 && !scalar(v)) {
      arg = i;
      return true;
    }
    Operation *def = v.getDefiningOp();
    if (!def || def->getNumOperands() != 2)
      return false;
    bool isMax = isa<arith::MaximumFOp, arith::MaxNumFOp>(def);
    bool isMin = isa<arith::MinimumFOp, arith::MinNumFOp>(def);
    if (isMax || isMin) {
      for (int side = 0; side < 2; ++side) {
        std::optional<double> c = scalar(def->getOperand(1 - side));
        if (!c)
          continue;
        if (!clamp(def->getOperand(side), arg, lo, hi))
          return false;
        if (isMax)
          lo = lo ? std::max(*lo, *c) : *c;
        else
          hi = hi ? std::min(*hi, *c) : *c;
        return true;
      }
      return false;
    }
    // select(x > c, x, c) and select(x < c, c, x) forms of ReLU.
    if (auto sel = dyn_cast<arith::SelectOp>(def)) {
      auto cmp = sel.getCondition().getDefiningOp<arith::CmpFOp>();
      if (!cmp)
        return false;
      std::optional<double> c = scalar(cmp.getRhs());
      if (!c || cmp.getLhs() != sel.getTrueValue() ||
          scalar(sel.getFalseValue()) != c)
        return false;
      auto pred = cmp.getPredicate();
      if (pred != arith::CmpFPredicate::OGT &&
          pred != arith::CmpFPredicate::UGT &&
          pred != arith::CmpFPredicate::OGE &&
          pred != arith::CmpFPredicate::UGE)
        return false;
      if (!clamp(sel.getTrueValue(), arg, lo, hi))
        return false;
      lo = lo ? std::max(*lo, *c) : *c;
      return true;
    }
    return false;
  }
};
} // namespace

std::optional<qc::Elementwise> qc::matchElementwise(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || op->getNumResults() != 1 || linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumLoops() != linalgOp.getNumParallelLoops() ||
      !linalgOp.hasPureTensorSemantics() ||
      !linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0))
           .isIdentity())
    return std::nullopt;
  Block *body = linalgOp.getBlock();
  if (!body)
    return std::nullopt;
  // The init value must not be read.
  if (!body->getArgument(linalgOp.getNumDpsInputs()).use_empty())
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getNumOperands() != 1)
    return std::nullopt;
  Elementwise ew;
  for (OpOperand *in : linalgOp.getDpsInputOperands())
    ew.inputs.push_back(in->get());
  BodyMatcher m{linalgOp, body};
  Value result = yield.getOperand(0);
  Operation *def = result.getDefiningOp();
  auto twoArgs = [&](Operation *d) {
    return d && d->getNumOperands() == 2 && m.inputIndex(d->getOperand(0)) >= 0 &&
           m.inputIndex(d->getOperand(1)) >= 0 &&
           m.inputIndex(d->getOperand(0)) != m.inputIndex(d->getOperand(1));
  };
  if (isa_and_nonnull<arith::AddFOp>(def) && twoArgs(def) &&
      ew.inputs.size() == 2) {
    ew.kind = EwKind::Add;
    return ew;
  }
  if (isa_and_nonnull<arith::SubFOp>(def) && twoArgs(def) &&
      ew.inputs.size() == 2 && m.inputIndex(def->getOperand(0)) == 0) {
    ew.kind = EwKind::Sub;
    return ew;
  }
  if (isa_and_nonnull<arith::MulFOp>(def) && twoArgs(def) &&
      ew.inputs.size() == 2) {
    ew.kind = EwKind::Mul;
    return ew;
  }
  if (isa_and_nonnull<arith::DivFOp>(def) && twoArgs(def) &&
      ew.inputs.size() == 2 && m.inputIndex(def->getOperand(0)) == 0) {
    ew.kind = EwKind::Div;
    return ew;
  }
  // A binary op of one tensor input and a scalar constant.
  if (isa_and_nonnull<arith::AddFOp, arith::SubFOp, arith::MulFOp,
                      arith::DivFOp>(def) &&
      ew.inputs.size() == 1) {
    Value lhs = def->getOperand(0), rhs = def->getOperand(1);
    bool argLeft = m.inputIndex(lhs) == 0, argRight = m.inputIndex(rhs) == 0;
    std::optional<double> c =
        argLeft ? m.scalar(rhs) : (argRight ? m.scalar(lhs) : std::nullopt);
    if (c && argLeft != argRight) {
      ew.kind = isa<arith::AddFOp>(def)   ? EwKind::Add
                : isa<arith::SubFOp>(def) ? EwKind::Sub
                : isa<arith::MulFOp>(def) ? EwKind::Mul
                                          : EwKind::Div;
      ew.scalar = c;
      ew.scalarIsRhs = argLeft;
      return ew;
    }
  }
  int arg = -1;
  std::optional<double> lo, hi;
  if (def && !isa<BlockArgument>(result) && m.clamp(result, arg, lo, hi) &&
      (lo || hi)) {
    // Only the clamped input may be a tensor that is not a scalar constant.
    for (auto [i, in] : llvm::enumerate(ew.inputs))
      if (static_cast<int>(i) != arg && !constantScalar(in))
        return ew;
    ew.kind = EwKind::Clamp;
    ew.lo = lo;
    ew.hi = hi;
    return ew;
  }
  if (isa_and_nonnull<math::TanhOp>(def) && m.inputIndex(def->getOperand(0)) >= 0) {
    ew.kind = EwKind::Tanh;
    return ew;
  }
  // Sigmoid: 1 / (1 + exp(-x)), in whatever order the importer wrote it.
  bool hasExp = false, hasDiv = false;
  for (Operation &o : body->without_terminator()) {
    hasExp |= isa<math::ExpOp>(o);
    hasDiv |= isa<arith::DivFOp>(o);
  }
  if (isa_and_nonnull<arith::DivFOp>(def) && hasExp && hasDiv &&
      ew.inputs.size() == 1 && m.scalar(def->getOperand(0)) == 1.0) {
    ew.kind = EwKind::Sigmoid;
    return ew;
  }
  return ew;
}

Value qc::Unit::output() const {
  if (activation)
    return activation->getResult(0);
  if (biasOp)
    return biasOp->getResult(0);
  return anchor->getResult(0);
}

SmallVector<Operation *, 3> qc::Unit::ops() const {
  SmallVector<Operation *, 3> result{anchor};
  if (biasOp)
    result.push_back(biasOp);
  if (activation)
    result.push_back(activation);
  return result;
}

/// A constant operand: an arith.constant, possibly observed, or already
/// quantized by scale propagation (dequantize(quantize(constant))).
static bool isFloatConstant(Value v) {
  v = qc::stripObservers(v);
  if (auto dq = v.getDefiningOp<qc::DequantizeOp>())
    if (auto q = dq.getInput().getDefiningOp<qc::QuantizeOp>())
      v = q.getInput();
  return isa_and_nonnull<arith::ConstantOp>(v.getDefiningOp());
}

/// Output dimension of `op`'s result that indexes the channels the weights
/// produce (conv: output channel; contraction: N), or -1.
static int64_t resultChannelDim(linalg::LinalgOp op) {
  SmallVector<unsigned> loops;
  if (linalg::isaConvolutionOpInterface(op)) {
    FailureOr<linalg::ConvolutionDimensions> dims =
        linalg::inferConvolutionDims(op);
    if (failed(dims))
      return -1;
    loops.assign(dims->outputChannel.begin(), dims->outputChannel.end());
    if (loops.empty())
      loops.assign(dims->depth.begin(), dims->depth.end());
  } else if (linalg::isaContractionOpInterface(op)) {
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims))
      return -1;
    loops.assign(dims->n.begin(), dims->n.end());
  }
  if (loops.size() != 1)
    return -1;
  AffineMap map = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  for (unsigned r = 0; r < map.getNumResults(); ++r)
    if (auto d = dyn_cast<AffineDimExpr>(map.getResult(r)))
      if (d.getPosition() == loops.front())
        return r;
  return -1;
}

/// Axis of `op`'s operand that is indexed by the loops producing output
/// channels (weights: output-channel axis), or -1.
static int64_t operandChannelAxis(linalg::LinalgOp op, OpOperand &operand) {
  int64_t outDim = resultChannelDim(op);
  if (outDim < 0)
    return -1;
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  unsigned loop = cast<AffineDimExpr>(outMap.getResult(outDim)).getPosition();
  AffineMap map = op.getMatchingIndexingMap(&operand);
  for (unsigned r = 0; r < map.getNumResults(); ++r)
    if (auto d = dyn_cast<AffineDimExpr>(map.getResult(r)))
      if (d.getPosition() == loop)
        return r;
  return -1;
}

/// If `user` adds a constant that only varies along the channel dimension
/// `channelDim` of `value`, returns the constant operand and its channel axis.
static std::optional<std::pair<OpOperand *, int64_t>>
matchBiasAdd(Operation *user, Value value, int64_t channelDim) {
  std::optional<qc::Elementwise> ew = qc::matchElementwise(user);
  if (!ew || ew->kind != qc::EwKind::Add || ew->inputs.size() != 2)
    return std::nullopt;
  auto linalgOp = cast<linalg::LinalgOp>(user);
  OpOperand *valueOperand = nullptr, *constOperand = nullptr;
  for (OpOperand *in : linalgOp.getDpsInputOperands()) {
    if (qc::stripObservers(in->get()) == qc::stripObservers(value))
      valueOperand = in;
    else if (isFloatConstant(in->get()))
      constOperand = in;
  }
  if (!valueOperand || !constOperand ||
      !linalgOp.getMatchingIndexingMap(valueOperand).isIdentity())
    return std::nullopt;
  auto type = cast<RankedTensorType>(constOperand->get().getType());
  AffineMap map = linalgOp.getMatchingIndexingMap(constOperand);
  int64_t axis = -1;
  for (unsigned r = 0; r < map.getNumResults(); ++r) {
    auto d = dyn_cast<AffineDimExpr>(map.getResult(r));
    if (d && static_cast<int64_t>(d.getPosition()) == channelDim &&
        type.getDimSize(r) != 1) {
      axis = r;
      continue;
    }
    if (type.getDimSize(r) != 1)
      return std::nullopt;
  }
  // A bias of one value broadcast everywhere is a per-tensor bias.
  if (axis < 0 && type.getNumElements() != 1)
    return std::nullopt;
  return std::make_pair(constOperand, axis);
}

std::optional<qc::Unit> qc::matchUnit(Operation *op) {
  Unit unit;
  unit.anchor = op;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || op->getNumResults() != 1 ||
      !linalgOp.hasPureTensorSemantics())
    return std::nullopt;
  bool conv = linalg::isaConvolutionOpInterface(linalgOp);
  bool contraction = !conv && linalg::isaContractionOpInterface(linalgOp);
  if (conv || contraction) {
    if (linalgOp.getNumDpsInputs() != 2)
      return std::nullopt;
    OpOperand *lhs = linalgOp.getDpsInputOperand(0);
    OpOperand *rhs = linalgOp.getDpsInputOperand(1);
    if (isFloatConstant(lhs->get()))
      return std::nullopt;
    if (isFloatConstant(rhs->get())) {
      unit.kind = conv ? AnchorKind::Conv : AnchorKind::Contraction;
      unit.inputs.push_back(lhs);
      unit.weight = rhs;
      unit.weightChannelAxis = operandChannelAxis(linalgOp, *rhs);
    } else if (contraction) {
      unit.kind = AnchorKind::ActMatmul;
      unit.inputs.append({lhs, rhs});
    } else {
      return std::nullopt;
    }
    // The accumulator must start from zero.
    Value init = linalgOp.getDpsInitOperand(0)->get();
    auto fill = init.getDefiningOp<linalg::FillOp>();
    if (!fill || constantScalar(fill.getInputs()[0]) != 0.0)
      return std::nullopt;
  } else {
    std::optional<Elementwise> ew = matchElementwise(op);
    if (!ew || ew->kind != EwKind::Add || ew->inputs.size() != 2 ||
        isFloatConstant(ew->inputs[0]) || isFloatConstant(ew->inputs[1]))
      return std::nullopt;
    for (OpOperand *in : linalgOp.getDpsInputOperands())
      if (!linalgOp.getMatchingIndexingMap(in).isIdentity())
        return std::nullopt;
    unit.kind = AnchorKind::Add;
    unit.inputs.append({linalgOp.getDpsInputOperand(0),
                        linalgOp.getDpsInputOperand(1)});
  }

  Value current = op->getResult(0);
  if (unit.kind == AnchorKind::Conv || unit.kind == AnchorKind::Contraction) {
    int64_t channelDim = resultChannelDim(linalgOp);
    if (Operation *user = soleUser(current)) {
      if (auto bias = matchBiasAdd(user, current, channelDim)) {
        unit.biasOp = user;
        unit.bias = bias->first;
        unit.biasChannelAxis = bias->second;
        current = user->getResult(0);
      }
    }
  }
  if (unit.kind != AnchorKind::ActMatmul) {
    if (Operation *user = soleUser(current)) {
      std::optional<Elementwise> ew = matchElementwise(user);
      if (ew && ew->kind == EwKind::Clamp &&
          llvm::count_if(ew->inputs, [](Value v) { return !constantScalar(v); }) == 1) {
        unit.activation = user;
        unit.clampMin = ew->lo;
        unit.clampMax = ew->hi;
      }
    }
  }
  return unit;
}

OpOperand *qc::sameScaleInput(Operation *op) {
  if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::ReshapeOp,
          tensor::ExtractSliceOp, linalg::TransposeOp, linalg::CopyOp>(op))
    return &op->getOpOperand(0);
  if (auto pad = dyn_cast<tensor::PadOp>(op))
    return padKind(pad) ? &pad.getSourceMutable() : nullptr;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    StringRef name = op->getName().getStringRef();
    if (name.starts_with("linalg.pooling_") && name.contains("_max") &&
        !name.contains("unsigned"))
      return linalgOp.getDpsInputOperand(0);
    std::optional<Elementwise> ew = matchElementwise(op);
    if (ew && ew->kind == EwKind::Clamp)
      for (OpOperand *in : linalgOp.getDpsInputOperands())
        if (!constantScalar(in->get()))
          return in;
  }
  return nullptr;
}

std::optional<std::pair<double, double>> qc::fixedOutputRange(Operation *op) {
  if (isa<linalg::SoftmaxOp>(op))
    return std::make_pair(0.0, 1.0);
  std::optional<Elementwise> ew = matchElementwise(op);
  if (ew && ew->kind == EwKind::Sigmoid)
    return std::make_pair(0.0, 1.0);
  if (ew && ew->kind == EwKind::Tanh)
    return std::make_pair(-1.0, 1.0);
  return std::nullopt;
}

std::optional<qc::PadKind> qc::padKind(Operation *op) {
  auto pad = dyn_cast<tensor::PadOp>(op);
  if (!pad)
    return std::nullopt;
  Value padValue = pad.getConstantPaddingValue();
  if (!padValue)
    return std::nullopt;
  std::optional<double> v = constantScalar(padValue);
  if (!v)
    return std::nullopt;
  if (*v == 0.0)
    return PadKind::Zero;
  if (*v <= -std::numeric_limits<float>::max())
    return PadKind::Lowest;
  return std::nullopt;
}

Operation *qc::matchAvgPoolDivision(Operation *div,
                                    std::vector<float> *divisor) {
  std::optional<Elementwise> ew = matchElementwise(div);
  if (!ew || ew->kind != EwKind::Div)
    return nullptr;
  auto linalgOp = cast<linalg::LinalgOp>(div);
  if (!linalgOp.getMatchingIndexingMap(linalgOp.getDpsInputOperand(0))
           .isIdentity())
    return nullptr;
  std::vector<float> values;
  if (ew->scalar && ew->scalarIsRhs) {
    values.push_back(static_cast<float>(*ew->scalar));
  } else if (ew->inputs.size() == 2) {
    auto data = constantFloats(ew->inputs[1]);
    if (!data)
      return nullptr;
    values = std::move(*data);
  } else {
    return nullptr;
  }
  Operation *sum = stripObservers(ew->inputs[0]).getDefiningOp();
  if (!isa_and_nonnull<linalg::PoolingNchwSumOp>(sum))
    return nullptr;
  if (divisor)
    *divisor = std::move(values);
  return sum;
}
