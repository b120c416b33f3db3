//===- TileAndVectorize.cpp - qc-tile-and-vectorize -----------------------===//
//
// Register-tiles and vectorizes the float linalg ops of a function on
// tensors, before bufferization:
//
//  * every anchor (NCHW convolution, depthwise convolution, pooling, matmul,
//    batch matmul, or a first elementwise generic) is grouped with the chain
//    of single-use elementwise generics that consume it (bias add, residual
//    add, ReLU, ...) and with the linalg.fill that initializes it;
//  * the last op of the chain is tiled to a register-sized tile of the
//    output with scf::tileConsumerAndFuseProducersUsingSCF, fusing the rest
//    of the group into the tile loops;
//  * the tiled anchor becomes a broadcast-FMA kernel (a loop over the
//    reduced channels, the filter taps unrolled, one vector accumulator per
//    output row of the tile); the fused generics are applied to the
//    accumulators row by row, in registers, and only the result is written
//    (a generic that cannot run along rows goes through linalg::vectorize);
//  * constant convolution filters are pre-packed at compile time into
//    [F/Ft][C][KH][KW][Ft], so the kernel reads its weights in order, and
//    constant matmul right-hand sides into column panels [N/Nt][K][Nt];
//  * large matmuls are cache-blocked first: B packed into column panels and
//    A into row panels, all but the last K block accumulated by blocked
//    loops (a Kc x Nc block of B in L2, an Mt x Kc panel of A in L1), the
//    last K block left as a matmul that starts from that partial sum and
//    is then grouped with its epilogue like any other.
//
// Ops that do not fit (integer types, dynamic non-batch sizes, shapes with
// no usable tile) are left untouched for convert-linalg-to-loops.
//
//===----------------------------------------------------------------------===//
#include "qc/Pipelines/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

#include <cstring>
#include <memory>

namespace qc {
#define GEN_PASS_DEF_QCTILEANDVECTORIZEPASS
#include "PipelinePasses.h.inc"
} // namespace qc

using namespace mlir;

namespace {

//===----------------------------------------------------------------------===//
// Groups: an anchor, its elementwise consumer chain and its init fill.
//===----------------------------------------------------------------------===//

enum class Kind { Conv, Depthwise, PoolMax, PoolSum, Matmul, Elementwise };

struct Group {
  Kind kind;
  Operation *anchor = nullptr;
  /// Elementwise generics consuming the anchor, in order, and the input
  /// operand of each through which the previous value enters.
  SmallVector<Operation *> chain;
  SmallVector<int64_t> chainOperands;
  /// The linalg.fill producing the anchor's init, if it has no other use.
  Operation *fill = nullptr;
  /// Tile of the anchor's (and every chain op's) output.
  SmallVector<int64_t> outTile;
  /// Kernel parameters (convolution-like anchors).
  int64_t rows = 0, width = 0;
  /// Lanes of one vector register for the element type.
  int64_t lanes = 0;

  Operation *root() const { return chain.empty() ? anchor : chain.back(); }
};

/// Float element type the pass handles (f32, f64), else null.
FloatType handledFloat(Type t) {
  auto f = dyn_cast<FloatType>(getElementTypeOrSelf(t));
  if (f && (f.isF32() || f.isF64()))
    return f;
  return nullptr;
}

/// All operands ranked tensors of one handled float type.
FloatType commonFloatType(Operation *op) {
  FloatType common;
  for (Value v : op->getOperands()) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t)
      return nullptr;
    FloatType f = handledFloat(t);
    if (!f || (common && f != common))
      return nullptr;
    common = f;
  }
  for (Type t : op->getResultTypes())
    if (handledFloat(t) != common)
      return nullptr;
  return common;
}

bool allStaticExceptDim0(Type t) {
  auto shaped = cast<ShapedType>(t);
  for (int64_t d = 1; d < shaped.getRank(); ++d)
    if (shaped.isDynamicDim(d))
      return false;
  return true;
}

/// Largest divisor of n that is at most limit (at least 1).
int64_t largestDivisorAtMost(int64_t n, int64_t limit) {
  for (int64_t d = std::min(n, limit); d > 1; --d)
    if (n % d == 0)
      return d;
  return 1;
}

/// An elementwise generic the pass vectorizes: all loops parallel, one
/// init with the identity map, inputs read through projected permutations
/// (broadcasts allowed), one float type, a body of arith/math ops only.
bool isElementwiseGeneric(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || !generic.hasPureTensorSemantics() ||
      generic.getNumDpsInits() != 1 || generic->getNumResults() != 1)
    return false;
  if (generic.getNumLoops() != generic.getNumParallelLoops())
    return false;
  if (!commonFloatType(op))
    return false;
  if (!generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
           .isIdentity())
    return false;
  for (OpOperand *in : generic.getDpsInputOperands())
    if (!generic.getMatchingIndexingMap(in).isProjectedPermutation(
            /*allowZeroInResults=*/true))
      return false;
  for (Operation &inner : generic.getBody()->without_terminator()) {
    StringRef ns = inner.getDialect() ? inner.getDialect()->getNamespace()
                                      : StringRef();
    if ((ns != "arith" && ns != "math") || inner.getNumRegions() != 0)
      return false;
  }
  return true;
}

/// Whether the elementwise generic can be vectorized row by row: every
/// input either runs along the last loop (as its own last dimension) or
/// does not depend on it (a broadcast), and the body is elementwise.
bool isRowVectorizable(linalg::GenericOp op) {
  unsigned last = op.getNumLoops() - 1;
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    for (auto [i, expr] : llvm::enumerate(map.getResults())) {
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (dim && dim.getPosition() == last && i + 1 != map.getNumResults())
        return false;
    }
  }
  for (Operation &inner : op.getBody()->without_terminator()) {
    if (isa<arith::ConstantOp>(inner))
      continue;
    if (!OpTrait::hasElementwiseMappableTraits(&inner))
      return false;
    for (Type t : inner.getResultTypes())
      if (!t.isIntOrFloat())
        return false;
  }
  return true;
}

class Planner {
public:
  Planner(unsigned vectorBits, unsigned accumulators)
      : vectorBits(vectorBits), accumulators(accumulators) {}

  /// Plans the group anchored at `op`, or fails if the op is not handled.
  std::optional<Group> planAnchor(Operation *op) const {
    if (auto conv = dyn_cast<linalg::Conv2DNchwFchwOp>(op))
      return planConvLike(op, Kind::Conv, conv.getStrides(),
                          conv.getDilations(), /*filterRank=*/4);
    if (auto dw = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op))
      return planConvLike(op, Kind::Depthwise, dw.getStrides(),
                          dw.getDilations(), /*filterRank=*/3);
    if (auto pool = dyn_cast<linalg::PoolingNchwMaxOp>(op))
      return planConvLike(op, Kind::PoolMax, pool.getStrides(),
                          pool.getDilations(), /*filterRank=*/2);
    if (auto pool = dyn_cast<linalg::PoolingNchwSumOp>(op))
      return planConvLike(op, Kind::PoolSum, pool.getStrides(),
                          pool.getDilations(), /*filterRank=*/2);
    if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
      return planMatmul(cast<linalg::LinalgOp>(op));
    return std::nullopt;
  }

  std::optional<Group> planElementwise(Operation *op) const {
    if (!isElementwiseGeneric(op))
      return std::nullopt;
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    FloatType elt = handledFloat(type);
    int64_t budget = 4 * lanes(elt);
    SmallVector<int64_t> tile(type.getRank(), 1);
    int64_t elems = 1;
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      int64_t size = type.getDimSize(d);
      if (ShapedType::isDynamic(size))
        break;
      if (elems * size <= budget) {
        tile[d] = size;
        elems *= size;
        continue;
      }
      tile[d] = largestDivisorAtMost(size, budget / elems);
      elems *= tile[d];
      break;
    }
    // Fewer elements than half a register: not worth a tile loop; rows
    // narrower than 4 lanes are not worth vectors.
    if (elems * 2 < lanes(elt))
      return std::nullopt;
    if (isRowVectorizable(cast<linalg::GenericOp>(op)) && tile.back() < 4)
      return std::nullopt;
    Group g;
    g.kind = Kind::Elementwise;
    g.anchor = op;
    g.outTile = tile;
    return g;
  }

  int64_t lanes(FloatType t) const {
    return std::max<int64_t>(1, vectorBits / t.getWidth());
  }

private:
  int64_t registersFor(int64_t width, FloatType t) const {
    return (width + lanes(t) - 1) / lanes(t);
  }

  std::optional<Group> planConvLike(Operation *op, Kind kind,
                                    DenseIntElementsAttr strides,
                                    DenseIntElementsAttr dilations,
                                    int64_t filterRank) const {
    auto linalgOp = cast<linalg::LinalgOp>(op);
    if (!linalgOp.hasPureTensorSemantics() || op->getNumResults() != 1)
      return std::nullopt;
    FloatType elt = commonFloatType(op);
    if (!elt)
      return std::nullopt;
    auto in = cast<RankedTensorType>(op->getOperand(0).getType());
    auto filter = cast<RankedTensorType>(op->getOperand(1).getType());
    auto out = cast<RankedTensorType>(op->getResult(0).getType());
    if (in.getRank() != 4 || out.getRank() != 4 ||
        filter.getRank() != filterRank || !filter.hasStaticShape() ||
        !allStaticExceptDim0(in) || !allStaticExceptDim0(out))
      return std::nullopt;
    if (!llvm::all_of(strides.getValues<int64_t>(),
                      [](int64_t s) { return s >= 1 && s <= 4; }) ||
        !llvm::all_of(dilations.getValues<int64_t>(),
                      [](int64_t d) { return d >= 1; }))
      return std::nullopt;
    int64_t kh = filter.getDimSize(filterRank - 2);
    int64_t kw = filter.getDimSize(filterRank - 1);
    int64_t channels = out.getDimSize(1), ow = out.getDimSize(3);
    int64_t lane = lanes(elt);
    // The vector runs along the output width: all of it while it takes at
    // most half the accumulators (so that at least two channels share each
    // input row), else its largest divisor that does.
    int64_t maxRegisters = std::max<int64_t>(1, accumulators / 2);
    int64_t width = registersFor(ow, elt) <= maxRegisters
                        ? ow
                        : largestDivisorAtMost(ow, maxRegisters * lane);
    if (width < 4)
      return std::nullopt;
    int64_t maxRows =
        std::max<int64_t>(1, accumulators / registersFor(width, elt));
    int64_t rows = largestDivisorAtMost(channels, maxRows);
    // Bound the unrolled body of the channel loop.
    while (rows > 1 && rows * kh * kw > 1024)
      rows = largestDivisorAtMost(channels, rows - 1);
    if (rows * kh * kw > 1024)
      return std::nullopt;
    Group g;
    g.kind = kind;
    g.lanes = lane;
    g.anchor = op;
    g.rows = rows;
    g.width = width;
    g.outTile = {1, rows, 1, width};
    return g;
  }

  std::optional<Group> planMatmul(linalg::LinalgOp op) const {
    if (!op.hasPureTensorSemantics() || op->getNumResults() != 1)
      return std::nullopt;
    // Only the default (row-major, untransposed) indexing maps.
    if (auto matmul = dyn_cast<linalg::MatmulOp>(op.getOperation())) {
      if (matmul.getIndexingMapsArray() !=
          linalg::MatmulOp::getDefaultIndexingMaps(op->getContext()))
        return std::nullopt;
    } else if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op.getOperation())) {
      if (bmm.getIndexingMapsArray() !=
          linalg::BatchMatmulOp::getDefaultIndexingMaps(op->getContext()))
        return std::nullopt;
    }
    FloatType elt = commonFloatType(op);
    if (!elt)
      return std::nullopt;
    auto out = cast<RankedTensorType>(op->getResult(0).getType());
    int64_t rank = out.getRank();
    int64_t m = out.getDimSize(rank - 2), n = out.getDimSize(rank - 1);
    if (ShapedType::isDynamic(n))
      return std::nullopt;
    // A batch dimension and M may be dynamic: they are tiled by 1.
    int64_t lane = lanes(elt);
    // One row (a matrix-vector product): every accumulator runs along N, so
    // that each k reads a longer stretch of B's row.
    int64_t maxWidth = (m == 1 ? std::max<int64_t>(4, accumulators) : 4) * lane;
    int64_t width = n <= maxWidth ? n : largestDivisorAtMost(n, maxWidth);
    if (width < 4)
      return std::nullopt;
    int64_t rows = 1;
    if (!ShapedType::isDynamic(m))
      rows = largestDivisorAtMost(
          m, std::max<int64_t>(1, accumulators / registersFor(width, elt)));
    Group g;
    g.kind = Kind::Matmul;
    g.lanes = lane;
    g.anchor = op;
    g.rows = rows;
    g.width = width;
    g.outTile.assign(rank - 2, 1);
    g.outTile.push_back(rows);
    g.outTile.push_back(width);
    return g;
  }

  unsigned vectorBits, accumulators;
};

/// Extends `g` with the chain of single-use elementwise generics consuming
/// its anchor and with the anchor's init fill.
void growGroup(Group &g, const llvm::DenseSet<Operation *> &taken) {
  // A generic that is not vectorized row by row is tiled on its own.
  if (g.kind == Kind::Elementwise &&
      !isRowVectorizable(cast<linalg::GenericOp>(g.anchor)))
    return;
  auto outType = cast<RankedTensorType>(g.anchor->getResult(0).getType());
  Value v = g.anchor->getResult(0);
  while (v.hasOneUse()) {
    OpOperand &use = *v.getUses().begin();
    Operation *user = use.getOwner();
    if (taken.contains(user) || !isElementwiseGeneric(user))
      break;
    auto generic = cast<linalg::GenericOp>(user);
    if (!generic.isDpsInput(&use) ||
        !generic.getMatchingIndexingMap(&use).isIdentity() ||
        user->getResult(0).getType() != outType ||
        !isRowVectorizable(generic))
      break;
    g.chain.push_back(user);
    g.chainOperands.push_back(use.getOperandNumber());
    v = user->getResult(0);
  }
  if (g.kind == Kind::Elementwise)
    return;
  auto dps = cast<DestinationStyleOpInterface>(g.anchor);
  Value init = dps.getDpsInitOperand(0)->get();
  if (auto fill = init.getDefiningOp<linalg::FillOp>())
    if (init.hasOneUse() && !taken.contains(fill))
      g.fill = fill;
}

//===----------------------------------------------------------------------===//
// Pre-packed filters.
//===----------------------------------------------------------------------===//

/// The values of a float constant tensor, widened to double.
std::optional<SmallVector<double>> constantValues(Value v) {
  auto cst = v.getDefiningOp<arith::ConstantOp>();
  auto type = dyn_cast<RankedTensorType>(v.getType());
  FloatType elt = type ? handledFloat(type) : nullptr;
  if (!cst || !elt || !type.hasStaticShape())
    return std::nullopt;
  SmallVector<double> out;
  out.reserve(type.getNumElements());
  if (auto dense = dyn_cast<DenseFPElementsAttr>(cst.getValue())) {
    for (APFloat x : dense.getValues<APFloat>())
      out.push_back(x.convertToDouble());
    return out;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(cst.getValue())) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> bytes = blob->getData();
    size_t width = elt.getWidth() / 8;
    if (bytes.size() != static_cast<size_t>(type.getNumElements()) * width)
      return std::nullopt;
    for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
      if (elt.isF32()) {
        float x;
        std::memcpy(&x, bytes.data() + i * width, sizeof(x));
        out.push_back(x);
      } else {
        double x;
        std::memcpy(&x, bytes.data() + i * width, sizeof(x));
        out.push_back(x);
      }
    }
    return out;
  }
  return std::nullopt;
}

/// Packs a constant [F][C][KH][KW] filter into [F/Ft][C][KH][KW][Ft]
/// (flattened) at compile time, once per (filter, Ft) and function.
class FilterPacker {
public:
  explicit FilterPacker(func::FuncOp fn) : fn(fn) {}

  Value pack(OpBuilder &builder, Value filter, int64_t ft) {
    auto key = std::make_pair(filter, ft);
    if (auto it = packed.find(key); it != packed.end())
      return it->second;
    auto type = cast<RankedTensorType>(filter.getType());
    std::optional<SmallVector<double>> values = constantValues(filter);
    if (!values || type.getRank() != 4 || type.getDimSize(0) % ft != 0)
      return nullptr;
    int64_t f = type.getDimSize(0), c = type.getDimSize(1),
            kh = type.getDimSize(2), kw = type.getDimSize(3);
    int64_t taps = c * kh * kw;
    auto packedType =
        RankedTensorType::get({f * taps}, type.getElementType());
    DenseElementsAttr attr;
    if (type.getElementType().isF32()) {
      SmallVector<float> data(values->size());
      for (int64_t o = 0; o < f; ++o)
        for (int64_t t = 0; t < taps; ++t)
          data[((o / ft) * taps + t) * ft + o % ft] =
              static_cast<float>((*values)[o * taps + t]);
      attr = DenseElementsAttr::get(packedType, ArrayRef<float>(data));
    } else {
      SmallVector<double> data(values->size());
      for (int64_t o = 0; o < f; ++o)
        for (int64_t t = 0; t < taps; ++t)
          data[((o / ft) * taps + t) * ft + o % ft] = (*values)[o * taps + t];
      attr = DenseElementsAttr::get(packedType, ArrayRef<double>(data));
    }
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(&fn.getBody().front());
    Value result =
        arith::ConstantOp::create(builder, filter.getLoc(), attr).getResult();
    packed[key] = result;
    return result;
  }

private:
  func::FuncOp fn;
  llvm::DenseMap<std::pair<Value, int64_t>, Value> packed;
};

//===----------------------------------------------------------------------===//
// Micro-kernels for tiled convolution-like ops and matmuls.
//===----------------------------------------------------------------------===//

/// acc[r] (vector<width>) combined over a reduction loop of `loopCount`
/// iterations and `taps` unrolled taps per iteration.
struct KernelSpec {
  int64_t rows, width, loopCount, taps;
  /// Lanes of a vector register (0: unknown).
  int64_t lanes = 0;
  enum class Combine { Fma, Max, Add } combine;
  /// The vector operand for (row, loop index, tap); `rowShared` when it does
  /// not depend on the row (then it is read once per tap).
  std::function<Value(OpBuilder &, Location, int64_t row, Value iv,
                      int64_t tap)>
      vectorOperand;
  bool rowShared = false;
  /// The scalar operand, broadcast to vector<width> (Fma only).
  std::function<Value(OpBuilder &, Location, int64_t row, Value iv,
                      int64_t tap)>
      broadcastOperand;
};

Value constIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// A 1-D read of `length` contiguous elements along the last dimension,
/// keeping every `stride`-th one (vector.shuffle), as vector<width>.
Value readRow(OpBuilder &b, Location loc, Value source, ValueRange indices,
              int64_t width, int64_t stride) {
  auto elt = cast<ShapedType>(source.getType()).getElementType();
  int64_t length = (width - 1) * stride + 1;
  auto type = VectorType::get({length}, elt);
  Value pad = arith::ConstantOp::create(b, loc, b.getZeroAttr(elt));
  Value row = vector::TransferReadOp::create(b, loc, type, source, indices,
                                             pad, ArrayRef<bool>{true});
  if (stride == 1)
    return row;
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < width; ++i)
    mask.push_back(i * stride);
  return vector::ShuffleOp::create(b, loc, row, row, mask);
}

/// A scalar of `source` broadcast to vector<width> (a transfer_read with a
/// broadcast permutation map: one load, no bounds check at run time).
Value readBroadcast(OpBuilder &b, Location loc, Value source,
                    ValueRange indices, int64_t width) {
  auto shaped = cast<ShapedType>(source.getType());
  auto type = VectorType::get({width}, shaped.getElementType());
  Value pad =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(shaped.getElementType()));
  AffineMap map = AffineMap::get(shaped.getRank(), 0,
                                 {getAffineConstantExpr(0, b.getContext())},
                                 b.getContext());
  return vector::TransferReadOp::create(b, loc, type, source, indices, pad,
                                        map, ArrayRef<bool>{true});
}

/// Emits the accumulation of a kernel on the rows `acc`.
SmallVector<Value> emitAccumulation(OpBuilder &b, Location loc,
                                    const KernelSpec &spec,
                                    SmallVector<Value> acc) {
  auto body = [&](OpBuilder &bb, Location l, Value iv,
                  ValueRange accIn) -> SmallVector<Value> {
    SmallVector<Value> accs(accIn.begin(), accIn.end());
    for (int64_t tap = 0; tap < spec.taps; ++tap) {
      Value shared;
      if (spec.rowShared)
        shared = spec.vectorOperand(bb, l, 0, iv, tap);
      for (int64_t r = 0; r < spec.rows; ++r) {
        Value x = shared ? shared : spec.vectorOperand(bb, l, r, iv, tap);
        switch (spec.combine) {
        case KernelSpec::Combine::Fma: {
          Value w = spec.broadcastOperand(bb, l, r, iv, tap);
          accs[r] = vector::FMAOp::create(bb, l, x, w, accs[r]);
          break;
        }
        case KernelSpec::Combine::Max:
          accs[r] = arith::MaximumFOp::create(bb, l, accs[r], x);
          break;
        case KernelSpec::Combine::Add:
          accs[r] = arith::AddFOp::create(bb, l, accs[r], x);
          break;
        }
      }
    }
    return accs;
  };
  if (spec.loopCount == 1)
    return body(b, loc, constIndex(b, loc, 0), acc);
  // Rows wider than a register but not a whole number of registers
  // (vector<60xf32>) are carried by the loop as register-sized pieces: LLVM
  // splits a loop-carried vector of such a size badly (element by element,
  // through the stack).
  SmallVector<std::pair<int64_t, int64_t>> pieces;
  if (spec.lanes > 0 && spec.width > spec.lanes && spec.width % spec.lanes != 0)
    for (int64_t off = 0; off < spec.width; off += spec.lanes)
      pieces.push_back({off, std::min(spec.lanes, spec.width - off)});
  if (pieces.empty()) {
    auto loop = scf::ForOp::create(
        b, loc, constIndex(b, loc, 0), constIndex(b, loc, spec.loopCount),
        constIndex(b, loc, 1), acc,
        [&](OpBuilder &bb, Location l, Value iv, ValueRange args) {
          scf::YieldOp::create(bb, l, body(bb, l, iv, args));
        });
    return SmallVector<Value>(loop.getResults());
  }
  auto extract = [&](OpBuilder &bb, Location l, Value v,
                     std::pair<int64_t, int64_t> piece) -> Value {
    return vector::ExtractStridedSliceOp::create(bb, l, v, {piece.first},
                                                 {piece.second}, {1});
  };
  SmallVector<Value> init;
  for (Value row : acc)
    for (auto piece : pieces)
      init.push_back(extract(b, loc, row, piece));
  auto loop = scf::ForOp::create(
      b, loc, constIndex(b, loc, 0), constIndex(b, loc, spec.loopCount),
      constIndex(b, loc, 1), init,
      [&](OpBuilder &bb, Location l, Value iv, ValueRange args) {
        SmallVector<Value> accs(args.begin(), args.end());
        for (int64_t tap = 0; tap < spec.taps; ++tap) {
          Value shared;
          if (spec.rowShared)
            shared = spec.vectorOperand(bb, l, 0, iv, tap);
          for (int64_t r = 0; r < spec.rows; ++r) {
            Value x = shared ? shared : spec.vectorOperand(bb, l, r, iv, tap);
            Value w;
            if (spec.combine == KernelSpec::Combine::Fma)
              w = spec.broadcastOperand(bb, l, r, iv, tap);
            for (auto [i, piece] : llvm::enumerate(pieces)) {
              Value &a = accs[r * pieces.size() + i];
              Value xs = extract(bb, l, x, piece);
              switch (spec.combine) {
              case KernelSpec::Combine::Fma:
                a = vector::FMAOp::create(bb, l, xs, extract(bb, l, w, piece),
                                          a);
                break;
              case KernelSpec::Combine::Max:
                a = arith::MaximumFOp::create(bb, l, a, xs);
                break;
              case KernelSpec::Combine::Add:
                a = arith::AddFOp::create(bb, l, a, xs);
                break;
              }
            }
          }
        }
        scf::YieldOp::create(bb, l, accs);
      });
  SmallVector<Value> rows;
  for (int64_t r = 0; r < spec.rows; ++r) {
    Value row = acc[r];
    for (auto [i, piece] : llvm::enumerate(pieces))
      row = vector::InsertStridedSliceOp::create(
          b, loc, loop.getResult(r * pieces.size() + i), row,
          ArrayRef<int64_t>{piece.first}, ArrayRef<int64_t>{1});
    rows.push_back(row);
  }
  return rows;
}

/// A tile seen as rows: every dimension but the last indexes a row, the
/// last one runs along a vector.
struct RowTile {
  SmallVector<int64_t> shape;

  int64_t width() const { return shape.back(); }
  int64_t rows() const {
    int64_t n = 1;
    for (int64_t d : ArrayRef<int64_t>(shape).drop_back())
      n *= d;
    return n;
  }
  /// Multi-index of row r (last dimension 0).
  SmallVector<int64_t> index(int64_t r) const {
    SmallVector<int64_t> idx(shape.size(), 0);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) {
      idx[d] = r % shape[d];
      r /= shape[d];
    }
    return idx;
  }
};

SmallVector<Value> indexValues(OpBuilder &b, Location loc,
                               ArrayRef<int64_t> idx) {
  SmallVector<Value> out;
  for (int64_t i : idx)
    out.push_back(constIndex(b, loc, i));
  return out;
}

/// The rows of `tile` (a tensor of the row tile's shape).
SmallVector<Value> readRows(OpBuilder &b, Location loc, Value tile,
                            const RowTile &rt) {
  SmallVector<Value> out;
  for (int64_t r = 0; r < rt.rows(); ++r)
    out.push_back(readRow(b, loc, tile, indexValues(b, loc, rt.index(r)),
                          rt.width(), 1));
  return out;
}

/// The initial accumulators of a kernel: the fill value when the init tile
/// is a (fused) fill, else the init tile's rows.
SmallVector<Value> initialRows(OpBuilder &b, Location loc, Value init,
                               const RowTile &rt) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    Value scalar = fill.getDpsInputOperand(0)->get();
    auto type = VectorType::get({rt.width()}, scalar.getType());
    Value splat = vector::BroadcastOp::create(b, loc, type, scalar);
    return SmallVector<Value>(rt.rows(), splat);
  }
  return readRows(b, loc, init, rt);
}

/// Writes the rows into `dest`; a fill tile as destination is bypassed (the
/// rows overwrite all of it).
Value writeRows(OpBuilder &b, Location loc, ArrayRef<Value> rowsV, Value dest,
                const RowTile &rt) {
  if (auto fill = dest.getDefiningOp<linalg::FillOp>())
    dest = fill.getDpsInitOperand(0)->get();
  for (int64_t r = 0; r < rt.rows(); ++r)
    dest = vector::TransferWriteOp::create(b, loc, rowsV[r], dest,
                                           indexValues(b, loc, rt.index(r)),
                                           ArrayRef<bool>{true})
               .getResult();
  return dest;
}

/// Vectorizes a tiled elementwise generic row by row. `chainRows` (if not
/// empty) are the rows of input operand `chainOperand`, already in
/// registers; other operands are read from their tiles.
FailureOr<SmallVector<Value>>
vectorizeGenericRows(OpBuilder &b, linalg::GenericOp op, const RowTile &rt,
                     ArrayRef<Value> chainRows, int64_t chainOperand) {
  Location loc = op.getLoc();
  unsigned last = op.getNumLoops() - 1;
  Block *body = op.getBody();
  SmallVector<Value> result;
  for (int64_t r = 0; r < rt.rows(); ++r) {
    SmallVector<int64_t> loopIdx = rt.index(r);
    IRMapping map;
    for (OpOperand &operand : op->getOpOperands()) {
      BlockArgument arg = body->getArgument(operand.getOperandNumber());
      if (static_cast<int64_t>(operand.getOperandNumber()) == chainOperand) {
        map.map(arg, chainRows[r]);
        continue;
      }
      if (arg.use_empty())
        continue;
      AffineMap m = op.getMatchingIndexingMap(&operand);
      SmallVector<int64_t> idx;
      bool alongRow = false;
      for (AffineExpr e : m.getResults()) {
        if (auto dim = dyn_cast<AffineDimExpr>(e)) {
          idx.push_back(loopIdx[dim.getPosition()]);
          alongRow |= dim.getPosition() == last;
        } else {
          idx.push_back(cast<AffineConstantExpr>(e).getValue());
        }
      }
      Value v = alongRow ? readRow(b, loc, operand.get(),
                                   indexValues(b, loc, idx), rt.width(), 1)
                         : readBroadcast(b, loc, operand.get(),
                                         indexValues(b, loc, idx), rt.width());
      map.map(arg, v);
    }
    for (Operation &inner : body->without_terminator()) {
      if (auto cst = dyn_cast<arith::ConstantOp>(inner)) {
        auto type = VectorType::get({rt.width()}, cst.getType());
        auto attr = dyn_cast<TypedAttr>(cst.getValue());
        if (!attr)
          return failure();
        map.map(cst.getResult(),
                arith::ConstantOp::create(
                    b, loc, DenseElementsAttr::get(type, attr)));
        continue;
      }
      SmallVector<Value> operands;
      for (Value v : inner.getOperands()) {
        if (!map.contains(v)) {
          // A scalar defined above the generic: broadcast it.
          if (!v.getType().isIntOrFloat())
            return failure();
          map.map(v, vector::BroadcastOp::create(
                         b, loc, VectorType::get({rt.width()}, v.getType()),
                         v));
        }
        operands.push_back(map.lookup(v));
      }
      SmallVector<Type> types;
      for (Type t : inner.getResultTypes())
        types.push_back(VectorType::get({rt.width()}, t));
      OperationState state(loc, inner.getName(), operands, types,
                           inner.getAttrs());
      Operation *vec = b.create(state);
      map.map(inner.getResults(), vec->getResults());
    }
    Value yielded = body->getTerminator()->getOperand(0);
    if (!map.contains(yielded)) {
      // A yield of a value defined above: broadcast.
      if (!yielded.getType().isIntOrFloat())
        return failure();
      map.map(yielded, vector::BroadcastOp::create(
                           b, loc,
                           VectorType::get({rt.width()}, yielded.getType()),
                           yielded));
    }
    result.push_back(map.lookup(yielded));
  }
  return result;
}

/// The offset of dimension `dim` of an extract_slice, as a Value.
Value sliceOffset(OpBuilder &b, Location loc, tensor::ExtractSliceOp slice,
                  unsigned dim) {
  return getValueOrCreateConstantIndexOp(b, loc,
                                         slice.getMixedOffsets()[dim]);
}

/// The kernel of a tiled convolution-like op: the accumulated rows.
FailureOr<SmallVector<Value>> emitConvKernel(OpBuilder &b, linalg::LinalgOp op,
                                             const Group &g,
                                             FilterPacker &packer,
                                             bool packWeights) {
  Location loc = op.getLoc();
  Value in = op.getDpsInputOperand(0)->get();
  Value filter = op.getDpsInputOperand(1)->get();
  Value init = op.getDpsInitOperand(0)->get();
  auto inType = cast<RankedTensorType>(in.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto outType = cast<RankedTensorType>(init.getType());
  if (!inType.hasStaticShape() || !outType.hasStaticShape() ||
      outType.getShape() != ArrayRef<int64_t>(g.outTile))
    return failure();
  DenseIntElementsAttr stridesAttr, dilationsAttr;
  if (auto c = dyn_cast<linalg::Conv2DNchwFchwOp>(op.getOperation())) {
    stridesAttr = c.getStrides();
    dilationsAttr = c.getDilations();
  } else if (auto c =
                 dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op.getOperation())) {
    stridesAttr = c.getStrides();
    dilationsAttr = c.getDilations();
  } else if (auto c = dyn_cast<linalg::PoolingNchwMaxOp>(op.getOperation())) {
    stridesAttr = c.getStrides();
    dilationsAttr = c.getDilations();
  } else if (auto c = dyn_cast<linalg::PoolingNchwSumOp>(op.getOperation())) {
    stridesAttr = c.getStrides();
    dilationsAttr = c.getDilations();
  } else {
    return failure();
  }
  SmallVector<int64_t> strides(stridesAttr.getValues<int64_t>());
  SmallVector<int64_t> dilations(dilationsAttr.getValues<int64_t>());
  int64_t fr = filterType.getRank();
  int64_t kh = filterType.getDimSize(fr - 2), kw = filterType.getDimSize(fr - 1);
  int64_t sw = strides[1], dh = dilations[0], dw = dilations[1];
  RowTile rt{SmallVector<int64_t>(outType.getShape())};

  KernelSpec spec;
  spec.rows = g.rows;
  spec.width = g.width;
  spec.lanes = g.lanes;
  spec.taps = kh * kw;
  auto tapRow = [=](int64_t tap) { return (tap / kw) * dh; };
  auto tapCol = [=](int64_t tap) { return (tap % kw) * dw; };

  if (g.kind == Kind::Conv) {
    int64_t channels = inType.getDimSize(1);
    spec.loopCount = channels;
    spec.combine = KernelSpec::Combine::Fma;
    spec.rowShared = true;
    spec.vectorOperand = [=](OpBuilder &bb, Location l, int64_t, Value c,
                             int64_t tap) {
      return readRow(bb, l, in,
                     {constIndex(bb, l, 0), c, constIndex(bb, l, tapRow(tap)),
                      constIndex(bb, l, tapCol(tap))},
                     g.width, sw);
    };
    // Pre-packed weights: the filter tile is a slice of a constant at
    // output-channel offset fb; packed (flat) holds [F/Ft][C][KH][KW][Ft],
    // read at ((fb / Ft * C + c) * KH * KW + tap) * Ft + row.
    Value packed, blockBase;
    auto slice = filter.getDefiningOp<tensor::ExtractSliceOp>();
    if (packWeights && slice && slice.hasUnitStride() &&
        slice.getSourceType().getRank() == 4) {
      packed = packer.pack(b, slice.getSource(), g.rows);
      if (packed) {
        // fb / Ft * C * KH * KW * Ft == fb * C * KH * KW.
        Value fb = sliceOffset(b, loc, slice, 0);
        blockBase = arith::MulIOp::create(
            b, loc, fb, constIndex(b, loc, channels * kh * kw));
      }
    }
    if (packed) {
      int64_t perChannel = kh * kw * g.rows;
      // The channel's base offset, computed once per channel iteration.
      auto base = std::make_shared<std::pair<Value, Value>>();
      spec.broadcastOperand = [=](OpBuilder &bb, Location l, int64_t row,
                                  Value c, int64_t tap) {
        if (base->first != c) {
          base->first = c;
          base->second = arith::AddIOp::create(
              bb, l, blockBase,
              arith::MulIOp::create(bb, l, c, constIndex(bb, l, perChannel)));
        }
        Value at = arith::AddIOp::create(
            bb, l, base->second, constIndex(bb, l, tap * g.rows + row));
        return readBroadcast(bb, l, packed, {at}, g.width);
      };
    } else {
      spec.broadcastOperand = [=](OpBuilder &bb, Location l, int64_t row,
                                  Value c, int64_t tap) {
        return readBroadcast(bb, l, filter,
                             {constIndex(bb, l, row), c,
                              constIndex(bb, l, tap / kw),
                              constIndex(bb, l, tap % kw)},
                             g.width);
      };
    }
  } else {
    // One input channel per output row.
    spec.loopCount = 1;
    spec.rowShared = false;
    spec.vectorOperand = [=](OpBuilder &bb, Location l, int64_t row, Value,
                             int64_t tap) {
      return readRow(bb, l, in,
                     {constIndex(bb, l, 0), constIndex(bb, l, row),
                      constIndex(bb, l, tapRow(tap)),
                      constIndex(bb, l, tapCol(tap))},
                     g.width, sw);
    };
    if (g.kind == Kind::Depthwise) {
      spec.combine = KernelSpec::Combine::Fma;
      spec.broadcastOperand = [=](OpBuilder &bb, Location l, int64_t row,
                                  Value, int64_t tap) {
        return readBroadcast(bb, l, filter,
                             {constIndex(bb, l, row),
                              constIndex(bb, l, tap / kw),
                              constIndex(bb, l, tap % kw)},
                             g.width);
      };
    } else {
      spec.combine = g.kind == Kind::PoolMax ? KernelSpec::Combine::Max
                                             : KernelSpec::Combine::Add;
    }
  }
  SmallVector<Value> acc = initialRows(b, loc, init, rt);
  return emitAccumulation(b, loc, spec, acc);
}

//===----------------------------------------------------------------------===//
// Column panels of matmul right-hand sides.
//===----------------------------------------------------------------------===//

/// An operand of a matmul seen as panels of `nt` lanes along K, in one flat
/// tensor: a right-hand side [batch..., K, N] as N/Nt column panels, a
/// left-hand side [batch..., M, K] as M/Mt row panels. Element (batch bt,
/// panel j, k, lane t) is at bt * batchStride + j * panelStride +
/// k * kStride + t * laneStride. Packed panels are [batch][count][K][nt]
/// (a kernel reads the nt values of one k contiguously); a row-major B
/// read in place has kStride N and panelStride nt.
struct Panels {
  Value flat;
  int64_t k = 0, nt = 0, count = 0;
  int64_t batchStride = 0, panelStride = 0, kStride = 0, laneStride = 1;
  /// Where the matmul operand recorded with these panels starts along K.
  int64_t kOffset = 0;

  static Panels packed(Value flat, int64_t k, int64_t nt, int64_t count) {
    Panels p;
    p.flat = flat;
    p.k = k;
    p.nt = nt;
    p.count = count;
    p.batchStride = count * k * nt;
    p.panelStride = k * nt;
    p.kStride = nt;
    return p;
  }
};

/// The flat index of (batch bt, panel j, k, lane 0) of `p`.
Value panelIndex(OpBuilder &b, Location loc, const Panels &p, Value bt,
                 Value panel, Value k) {
  auto times = [&](Value v, int64_t c) -> Value {
    return arith::MulIOp::create(b, loc, v, constIndex(b, loc, c));
  };
  return arith::AddIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, times(bt, p.batchStride),
                            times(panel, p.panelStride)),
      times(k, p.kStride));
}

/// The flat index in `p` where a register tile cut out of the packed
/// operand by `slice` starts: its batch, its panel (the offset along
/// `panelDim` over the panel width `width`) and its first k (the offset
/// along `kDim`, plus the panels' kOffset).
Value tilePanelBase(OpBuilder &b, Location loc, tensor::ExtractSliceOp slice,
                    const Panels &p, int64_t kDim, int64_t panelDim,
                    int64_t width) {
  int64_t rank = slice.getSourceType().getRank();
  Value bt = rank == 3 ? sliceOffset(b, loc, slice, 0) : constIndex(b, loc, 0);
  Value k0 = arith::AddIOp::create(b, loc, sliceOffset(b, loc, slice, kDim),
                                   constIndex(b, loc, p.kOffset));
  Value panel = arith::DivUIOp::create(
      b, loc, sliceOffset(b, loc, slice, panelDim), constIndex(b, loc, width));
  return panelIndex(b, loc, p, bt, panel, k0);
}

/// The run-time packing of `matrix` ([batch..., rows, cols]) into the flat
/// panels of `p`: an scf.forall over (batch, panel), each iteration filling
/// the panel's p.k x p.nt slice with `fill(batch index, panel index,
/// slice)`, which returns the filled slice. Returns the packed tensor.
Value fillPanels(OpBuilder &b, Location loc, Value matrix, const Panels &p,
                 function_ref<Value(Value, Value, Value)> fill) {
  auto type = cast<RankedTensorType>(matrix.getType());
  int64_t perPanel = p.k * p.nt;
  OpFoldResult batch = type.getRank() == 3
                           ? tensor::getMixedSize(b, loc, matrix, 0)
                           : OpFoldResult(b.getIndexAttr(1));
  OpFoldResult total;
  if (auto c = getConstantIntValue(batch))
    total = b.getIndexAttr(*c * p.count * perPanel);
  else
    total = arith::MulIOp::create(b, loc, cast<Value>(batch),
                                  constIndex(b, loc, p.count * perPanel))
                .getResult();
  Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<OpFoldResult>{total},
                                        type.getElementType());
  auto forall = scf::ForallOp::create(
      b, loc, ArrayRef<OpFoldResult>{batch, b.getIndexAttr(p.count)},
      ValueRange{empty}, std::nullopt);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(forall.getBody());
  Value bt = forall.getInductionVar(0), panel = forall.getInductionVar(1);
  Value out = forall.getRegionIterArgs()[0];
  Value offset = panelIndex(b, loc, p, bt, panel, constIndex(b, loc, 0));
  SmallVector<OpFoldResult> offs{offset}, sizes{b.getIndexAttr(perPanel)},
      strides{b.getIndexAttr(1)};
  Value slice =
      tensor::ExtractSliceOp::create(b, loc, out, offs, sizes, strides);
  Value filled = fill(bt, panel, slice);
  b.setInsertionPointToStart(forall.getTerminator().getBody());
  tensor::ParallelInsertSliceOp::create(b, loc, filled, out, offs, sizes,
                                        strides);
  return forall.getResult(0);
}

/// `matrix` [batch..., K, N] flattened (free) and read in place as
/// column panels of Nt.
Panels panelsInPlace(OpBuilder &b, Location loc, Value matrix, int64_t nt) {
  auto type = cast<RankedTensorType>(matrix.getType());
  int64_t rank = type.getRank();
  Panels p;
  p.k = type.getDimSize(rank - 2);
  int64_t n = type.getDimSize(rank - 1);
  p.nt = nt;
  p.count = n / nt;
  p.batchStride = p.k * n;
  p.panelStride = nt;
  p.kStride = n;
  ReassociationIndices all(llvm::seq<int64_t>(0, rank).begin(),
                           llvm::seq<int64_t>(0, rank).end());
  p.flat = tensor::CollapseShapeOp::create(
      b, loc, matrix, SmallVector<ReassociationIndices>{all});
  return p;
}

/// Packs matmul right-hand sides into column panels: constants at compile
/// time, other values at run time (a parallel copy before the matmul).
/// Remembers which matmul operand reads which panels.
class PanelPacker {
public:
  explicit PanelPacker(func::FuncOp fn) : fn(fn) {}

  /// The panels recorded for `operand` with Nt = `nt`, else (when `pack`
  /// and the operand is a constant) its panels packed at compile time.
  std::optional<Panels> lookup(OpBuilder &builder, Value operand, int64_t nt,
                               bool pack) {
    auto key = std::make_pair(operand, nt);
    if (auto it = panels.find(key); it != panels.end())
      return it->second;
    if (!pack || !isPackableConstant(operand, nt))
      return std::nullopt;
    std::optional<Panels> p;
    auto type = cast<RankedTensorType>(operand.getType());
    if (type.getDimSize(type.getRank() - 1) == nt) {
      // One panel: the constant is already in order, read through a flat
      // view.
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointAfterValue(operand);
      p = panelsInPlace(builder, operand.getLoc(), operand, nt);
    } else {
      p = packConstant(builder, operand, nt);
    }
    if (p)
      panels[key] = *p;
    return p;
  }

  /// Whether `operand` is a constant [batch..., K, N] with N % nt == 0.
  static bool isPackableConstant(Value operand, int64_t nt) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type || !type.hasStaticShape() || type.getRank() < 2 ||
        type.getRank() > 3 || !handledFloat(type) ||
        type.getDimSize(type.getRank() - 1) % nt != 0)
      return false;
    auto cst = operand.getDefiningOp<arith::ConstantOp>();
    return cst &&
           isa<DenseFPElementsAttr, DenseResourceElementsAttr>(cst.getValue());
  }

  bool has(Value operand, int64_t nt) const {
    return panels.count(std::make_pair(operand, nt));
  }

  void record(Value operand, int64_t nt, const Panels &p) {
    panels[std::make_pair(operand, nt)] = p;
  }

  /// Packs `matrix` (not a constant) at run time, before the insertion
  /// point: a scf.forall over (batch, panel) copying rows of Nt values.
  Panels packAtRunTime(OpBuilder &b, Location loc, Value matrix, int64_t nt,
                       bool packConstants) {
    if (std::optional<Panels> p = lookup(b, matrix, nt, packConstants))
      return *p;
    auto type = cast<RankedTensorType>(matrix.getType());
    int64_t rank = type.getRank();
    if (type.getDimSize(rank - 1) == nt) {
      // One panel per batch: the row-major matrix is already in order.
      Panels p = panelsInPlace(b, loc, matrix, nt);
      record(matrix, nt, p);
      return p;
    }
    Panels p = Panels::packed(Value(), type.getDimSize(rank - 2), nt,
                              type.getDimSize(rank - 1) / nt);
    p.flat = fillPanels(
        b, loc, matrix, p, [&](Value bt, Value j, Value slice) -> Value {
          Value column =
              arith::MulIOp::create(b, loc, j, constIndex(b, loc, nt));
          auto loop = scf::ForOp::create(
              b, loc, constIndex(b, loc, 0), constIndex(b, loc, p.k),
              constIndex(b, loc, 1), ValueRange{slice},
              [&](OpBuilder &bb, Location l, Value kk, ValueRange args) {
                SmallVector<Value> idx;
                if (rank == 3)
                  idx.push_back(bt);
                idx.push_back(kk);
                idx.push_back(column);
                Value row = readRow(bb, l, matrix, idx, nt, 1);
                Value at =
                    arith::MulIOp::create(bb, l, kk, constIndex(bb, l, nt));
                Value written = vector::TransferWriteOp::create(
                                    bb, l, row, args[0], ValueRange{at},
                                    ArrayRef<bool>{true})
                                    .getResult();
                scf::YieldOp::create(bb, l, written);
              });
          return loop.getResult(0);
        });
    record(matrix, nt, p);
    return p;
  }

  /// The row panels recorded for a left-hand side `operand` with Mt =
  /// `mt` (never packed here).
  std::optional<Panels> lookupRows(Value operand, int64_t mt) const {
    auto it = rowPanels.find(std::make_pair(operand, mt));
    if (it == rowPanels.end())
      return std::nullopt;
    return it->second;
  }

  void recordRows(Value operand, int64_t mt, const Panels &p) {
    rowPanels[std::make_pair(operand, mt)] = p;
  }

  /// Packs a left-hand side [batch..., M, K] at run time into row panels
  /// [batch][M/Mt][K][Mt] (flat), so that the Mt values a kernel broadcasts
  /// for one k are adjacent: chunks of Mt x 16 are read, transposed in
  /// registers and written.
  Panels packRowsAtRunTime(OpBuilder &b, Location loc, Value matrix,
                           int64_t mt) {
    if (std::optional<Panels> p = lookupRows(matrix, mt))
      return *p;
    auto type = cast<RankedTensorType>(matrix.getType());
    int64_t rank = type.getRank();
    Panels p = Panels::packed(Value(), type.getDimSize(rank - 1), mt,
                              type.getDimSize(rank - 2) / mt);
    Type elt = type.getElementType();
    if (mt == 1) {
      // Rows of one: the row-major matrix is already in order.
      ReassociationIndices all(llvm::seq<int64_t>(0, rank).begin(),
                               llvm::seq<int64_t>(0, rank).end());
      p.flat = tensor::CollapseShapeOp::create(
          b, loc, matrix, SmallVector<ReassociationIndices>{all});
      recordRows(matrix, mt, p);
      return p;
    }
    p.flat = fillPanels(
        b, loc, matrix, p, [&](Value bt, Value i, Value slice) -> Value {
          Value row0 = arith::MulIOp::create(b, loc, i, constIndex(b, loc, mt));
          // Mt rows x `chunk` columns from column k0 -> chunk x Mt at k0 * Mt.
          auto copyChunk = [&](OpBuilder &bb, Location l, Value k0,
                               int64_t chunk, Value dest) -> Value {
            SmallVector<Value> idx;
            if (rank == 3)
              idx.push_back(bt);
            idx.push_back(row0);
            idx.push_back(k0);
            Value pad = arith::ConstantOp::create(bb, l, bb.getZeroAttr(elt));
            Value tile = vector::TransferReadOp::create(
                bb, l, VectorType::get({mt, chunk}, elt), matrix, idx, pad,
                ArrayRef<bool>{true, true});
            Value t = vector::TransposeOp::create(bb, l, tile,
                                                  ArrayRef<int64_t>{1, 0});
            Value flat = vector::ShapeCastOp::create(
                bb, l, VectorType::get({chunk * mt}, elt), t);
            Value at = arith::MulIOp::create(bb, l, k0, constIndex(bb, l, mt));
            return vector::TransferWriteOp::create(
                       bb, l, flat, dest, ValueRange{at}, ArrayRef<bool>{true})
                .getResult();
          };
          constexpr int64_t kChunk = 16;
          int64_t chunk = std::min(p.k, kChunk);
          int64_t main = p.k - p.k % chunk;
          auto loop = scf::ForOp::create(
              b, loc, constIndex(b, loc, 0), constIndex(b, loc, main),
              constIndex(b, loc, chunk), ValueRange{slice},
              [&](OpBuilder &bb, Location l, Value k0, ValueRange args) {
                scf::YieldOp::create(bb, l,
                                     copyChunk(bb, l, k0, chunk, args[0]));
              });
          Value packed = loop.getResult(0);
          if (main < p.k)
            packed =
                copyChunk(b, loc, constIndex(b, loc, main), p.k - main, packed);
          return packed;
        });
    recordRows(matrix, mt, p);
    return p;
  }

private:
  std::optional<Panels> packConstant(OpBuilder &builder, Value matrix,
                                     int64_t nt) {
    std::optional<SmallVector<double>> values = constantValues(matrix);
    if (!values)
      return std::nullopt;
    auto type = cast<RankedTensorType>(matrix.getType());
    int64_t rank = type.getRank();
    int64_t batch = rank == 3 ? type.getDimSize(0) : 1;
    int64_t n = type.getDimSize(rank - 1);
    Panels p = Panels::packed(Value(), type.getDimSize(rank - 2), nt, n / nt);
    // Source (bt, k, j * nt + t) goes to ((bt * count + j) * K + k) * nt + t.
    auto target = [&](int64_t i) {
      int64_t col = i % n, k = (i / n) % p.k, bt = i / (n * p.k);
      return ((bt * p.count + col / nt) * p.k + k) * nt + col % nt;
    };
    auto flatType =
        RankedTensorType::get({batch * p.k * n}, type.getElementType());
    DenseElementsAttr attr;
    if (type.getElementType().isF32()) {
      SmallVector<float> data(values->size());
      for (size_t i = 0; i < values->size(); ++i)
        data[target(i)] = static_cast<float>((*values)[i]);
      attr = DenseElementsAttr::get(flatType, ArrayRef<float>(data));
    } else {
      SmallVector<double> data(values->size());
      for (size_t i = 0; i < values->size(); ++i)
        data[target(i)] = (*values)[i];
      attr = DenseElementsAttr::get(flatType, ArrayRef<double>(data));
    }
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(&fn.getBody().front());
    p.flat =
        arith::ConstantOp::create(builder, matrix.getLoc(), attr).getResult();
    return p;
  }

  func::FuncOp fn;
  llvm::DenseMap<std::pair<Value, int64_t>, Panels> panels, rowPanels;
};

//===----------------------------------------------------------------------===//
// Cache blocking of large matmuls.
//===----------------------------------------------------------------------===//

/// The blocks of a cache-blocked matmul: output blocks of Mb x Nc (the
/// parallel loop), the reduction in blocks of Kc, register tiles of
/// Mt x Nt inside.
struct BlockPlan {
  int64_t rank = 2, m = 0, n = 0, k = 0;
  int64_t mt = 0, nt = 0, mb = 0, nc = 0, kc = 0, lanes = 0;
  /// The K range [0, kp) accumulated by the blocked loops; [kp, k) is left
  /// to a register-tiled matmul that also applies the fused epilogue.
  int64_t kp = 0;
};

/// Accumulates A[.., :, 0:kp] x B[.., 0:kp, :] into `dest` (or, with
/// `fillValue`, into that value) with the loops of `p`:
///
///   scf.forall (batch, N / Nc, M / Mb)      output blocks, parallel
///     scf.for kc in [0, kp) step Kc         B block Kc x Nc: L2
///       scf.for m in [0, Mb) step Mt        A block Mt x Kc: L1
///         scf.for panel in [0, Nc / Nt)     Mt x Nt accumulators
///           scf.for k in [0, Kc)            Nt values of a panel, Mt
///                                           broadcasts of A, Mt FMAs
///
/// A and B are read from their panels. The partial sums of a tile go back to
/// the output block after each K block (the first starts from the fill value).
Value emitBlockedPartial(OpBuilder &b, Location loc, const BlockPlan &p,
                         const Panels &aRows, const Panels &panels, Value dest,
                         Value fillValue) {
  auto destType = cast<RankedTensorType>(dest.getType());
  Type elt = destType.getElementType();
  bool batched = p.rank == 3;
  OpFoldResult batch = batched ? tensor::getMixedSize(b, loc, dest, 0)
                               : OpFoldResult(b.getIndexAttr(1));
  auto forall = scf::ForallOp::create(
      b, loc,
      ArrayRef<OpFoldResult>{batch, b.getIndexAttr(p.n / p.nc),
                             b.getIndexAttr(p.m / p.mb)},
      ValueRange{dest}, std::nullopt);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(forall.getBody());
  Value bt = forall.getInductionVar(0);
  Value jb = forall.getInductionVar(1), ib = forall.getInductionVar(2);
  Value out = forall.getRegionIterArgs()[0];
  Value m0 = arith::MulIOp::create(b, loc, ib, constIndex(b, loc, p.mb));
  Value n0 = arith::MulIOp::create(b, loc, jb, constIndex(b, loc, p.nc));
  SmallVector<OpFoldResult> offs, sizes, strides;
  if (batched) {
    offs.push_back(bt);
    sizes.push_back(b.getIndexAttr(1));
  }
  offs.append({m0, n0});
  sizes.append({b.getIndexAttr(p.mb), b.getIndexAttr(p.nc)});
  strides.assign(p.rank, b.getIndexAttr(1));
  auto blockType = RankedTensorType::get({p.mb, p.nc}, elt);
  Value block = tensor::ExtractSliceOp::create(b, loc, blockType, out, offs,
                                               sizes, strides);
  auto vecType = VectorType::get({p.nt}, elt);
  Value firstPanel =
      arith::MulIOp::create(b, loc, jb, constIndex(b, loc, p.nc / p.nt));

  auto kLoop = scf::ForOp::create(
      b, loc, constIndex(b, loc, 0), constIndex(b, loc, p.kp),
      constIndex(b, loc, p.kc), ValueRange{block},
      [&](OpBuilder &b1, Location l1, Value kc, ValueRange kArgs) {
        Value first;
        if (fillValue)
          first = arith::CmpIOp::create(b1, l1, arith::CmpIPredicate::eq, kc,
                                        constIndex(b1, l1, 0));
        auto mLoop = scf::ForOp::create(
            b1, l1, constIndex(b1, l1, 0), constIndex(b1, l1, p.mb),
            constIndex(b1, l1, p.mt), ValueRange{kArgs[0]},
            [&](OpBuilder &b2, Location l2, Value mt, ValueRange mArgs) {
              Value row0 = arith::AddIOp::create(b2, l2, m0, mt);
              auto nLoop = scf::ForOp::create(
                  b2, l2, constIndex(b2, l2, 0),
                  constIndex(b2, l2, p.nc / p.nt), constIndex(b2, l2, 1),
                  ValueRange{mArgs[0]},
                  [&](OpBuilder &b3, Location l3, Value jj, ValueRange nArgs) {
                    Value tile = nArgs[0];
                    Value col = arith::MulIOp::create(b3, l3, jj,
                                                      constIndex(b3, l3, p.nt));
                    auto rowIndex = [&](OpBuilder &bb, Location l, int64_t r) {
                      return arith::AddIOp::create(bb, l, mt,
                                                   constIndex(bb, l, r))
                          .getResult();
                    };
                    auto readTile = [&](OpBuilder &bb, Location l) {
                      SmallVector<Value> rows;
                      for (int64_t r = 0; r < p.mt; ++r)
                        rows.push_back(readRow(
                            bb, l, tile, {rowIndex(bb, l, r), col}, p.nt, 1));
                      return rows;
                    };
                    SmallVector<Value> acc;
                    if (fillValue) {
                      auto init = scf::IfOp::create(
                          b3, l3, first,
                          [&](OpBuilder &bb, Location l) {
                            Value splat = vector::BroadcastOp::create(
                                bb, l, vecType, fillValue);
                            scf::YieldOp::create(
                                bb, l, SmallVector<Value>(p.mt, splat));
                          },
                          [&](OpBuilder &bb, Location l) {
                            scf::YieldOp::create(bb, l, readTile(bb, l));
                          });
                      acc.assign(init.getResults().begin(),
                                 init.getResults().end());
                    } else {
                      acc = readTile(b3, l3);
                    }
                    Value base = panelIndex(
                        b3, l3, panels, bt,
                        arith::AddIOp::create(b3, l3, firstPanel, jj), kc);
                    KernelSpec spec;
                    spec.rows = p.mt;
                    spec.width = p.nt;
                    spec.lanes = p.lanes;
                    spec.taps = 1;
                    spec.loopCount = p.kc;
                    spec.combine = KernelSpec::Combine::Fma;
                    spec.rowShared = true;
                    spec.vectorOperand = [&](OpBuilder &bb, Location l, int64_t,
                                             Value kk, int64_t) {
                      Value at = arith::AddIOp::create(
                          bb, l, base,
                          arith::MulIOp::create(
                              bb, l, kk, constIndex(bb, l, panels.kStride)));
                      return readRow(bb, l, panels.flat, {at}, p.nt, 1);
                    };
                    // A's row panel of this tile: Mt values per k.
                    Value aBase =
                        panelIndex(b3, l3, aRows, bt,
                                   arith::DivUIOp::create(
                                       b3, l3, row0, constIndex(b3, l3, p.mt)),
                                   kc);
                    spec.broadcastOperand = [&](OpBuilder &bb, Location l,
                                                int64_t r, Value kk, int64_t) {
                      Value at = arith::AddIOp::create(
                          bb, l, aBase,
                          arith::AddIOp::create(
                              bb, l,
                              arith::MulIOp::create(
                                  bb, l, kk, constIndex(bb, l, aRows.kStride)),
                              constIndex(bb, l, r * aRows.laneStride)));
                      return readBroadcast(bb, l, aRows.flat, {at}, p.nt);
                    };
                    acc = emitAccumulation(b3, l3, spec, acc);
                    for (int64_t r = 0; r < p.mt; ++r)
                      tile = vector::TransferWriteOp::create(
                                 b3, l3, acc[r], tile,
                                 ValueRange{rowIndex(b3, l3, r), col},
                                 ArrayRef<bool>{true})
                                 .getResult();
                    scf::YieldOp::create(b3, l3, tile);
                  });
              scf::YieldOp::create(b2, l2, nLoop.getResult(0));
            });
        scf::YieldOp::create(b1, l1, mLoop.getResult(0));
      });
  b.setInsertionPointToStart(forall.getTerminator().getBody());
  tensor::ParallelInsertSliceOp::create(b, loc, kLoop.getResult(0), out, offs,
                                        sizes, strides);
  return forall.getResult(0);
}

/// The kernel of a tiled matmul / batch matmul: for each k,
/// acc[m] += A[m, k] (broadcast) * B[k, :]. B's row is read from its
/// column panels when it has some (a constant packed at compile time, or
/// the tail of a cache-blocked matmul), else from B itself.
FailureOr<SmallVector<Value>>
emitMatmulKernel(OpBuilder &b, linalg::LinalgOp op, const Group &g,
                 PanelPacker &packer, bool packWeights) {
  Location loc = op.getLoc();
  Value a = op.getDpsInputOperand(0)->get();
  Value bMat = op.getDpsInputOperand(1)->get();
  Value init = op.getDpsInitOperand(0)->get();
  auto aType = cast<RankedTensorType>(a.getType());
  auto outType = cast<RankedTensorType>(init.getType());
  if (!outType.hasStaticShape() ||
      outType.getShape() != ArrayRef<int64_t>(g.outTile))
    return failure();
  int64_t rank = aType.getRank();
  int64_t k = aType.getDimSize(rank - 1);
  if (ShapedType::isDynamic(k))
    return failure();
  RowTile rt{SmallVector<int64_t>(outType.getShape())};
  KernelSpec spec;
  spec.rows = g.rows;
  spec.width = g.width;
  spec.lanes = g.lanes;
  spec.taps = 1;
  spec.loopCount = k;
  spec.combine = KernelSpec::Combine::Fma;
  spec.rowShared = true;
  std::optional<Panels> panels;
  auto slice = bMat.getDefiningOp<tensor::ExtractSliceOp>();
  if (slice && slice.hasUnitStride() && slice.getSourceType().getRank() == rank)
    panels = packer.lookup(b, slice.getSource(), g.width, packWeights);
  if (panels) {
    // The tile's columns are panel n0 / Nt, read from k = kOffset + k0.
    Value base = tilePanelBase(b, loc, slice, *panels, /*kDim=*/rank - 2,
                               /*panelDim=*/rank - 1, g.width);
    Value flat = panels->flat;
    int64_t kStride = panels->kStride;
    spec.vectorOperand = [=](OpBuilder &bb, Location l, int64_t, Value kk,
                             int64_t) {
      Value at = arith::AddIOp::create(
          bb, l, base,
          arith::MulIOp::create(bb, l, kk, constIndex(bb, l, kStride)));
      return readRow(bb, l, flat, {at}, g.width, 1);
    };
  } else {
    spec.vectorOperand = [=](OpBuilder &bb, Location l, int64_t, Value kk,
                             int64_t) {
      SmallVector<Value> idx(rank - 2, constIndex(bb, l, 0));
      idx.push_back(kk);
      idx.push_back(constIndex(bb, l, 0));
      return readRow(bb, l, bMat, idx, g.width, 1);
    };
  }
  std::optional<Panels> rowPanels;
  auto aSlice = a.getDefiningOp<tensor::ExtractSliceOp>();
  if (aSlice && aSlice.hasUnitStride() &&
      aSlice.getSourceType().getRank() == rank)
    rowPanels = packer.lookupRows(aSlice.getSource(), g.rows);
  if (rowPanels) {
    // The tile's rows are row panel m0 / Mt, read from k = kOffset + k0.
    Value base = tilePanelBase(b, loc, aSlice, *rowPanels, /*kDim=*/rank - 1,
                               /*panelDim=*/rank - 2, g.rows);
    Value flat = rowPanels->flat;
    int64_t kStride = rowPanels->kStride, laneStride = rowPanels->laneStride;
    spec.broadcastOperand = [=](OpBuilder &bb, Location l, int64_t row,
                                Value kk, int64_t) {
      Value at = arith::AddIOp::create(
          bb, l, base,
          arith::AddIOp::create(
              bb, l,
              arith::MulIOp::create(bb, l, kk, constIndex(bb, l, kStride)),
              constIndex(bb, l, row * laneStride)));
      return readBroadcast(bb, l, flat, {at}, g.width);
    };
  } else {
    spec.broadcastOperand = [=](OpBuilder &bb, Location l, int64_t row,
                                Value kk, int64_t) {
      SmallVector<Value> idx(rank - 2, constIndex(bb, l, 0));
      idx.push_back(constIndex(bb, l, row));
      idx.push_back(kk);
      return readBroadcast(bb, l, a, idx, g.width);
    };
  }
  SmallVector<Value> acc = initialRows(b, loc, init, rt);
  return emitAccumulation(b, loc, spec, acc);
}

//===----------------------------------------------------------------------===//
// The pass.
//===----------------------------------------------------------------------===//

/// Rows of A per block of a cache-blocked matmul (at most; a divisor of M).
constexpr int64_t kBlockRows = 128;
/// Fewest rows of A for which B is packed at run time (the copy costs
/// about as much as 10-15% of a 128-row matmul).
constexpr int64_t kMinPackedRows = 256;

struct QCTileAndVectorizePass
    : qc::impl::QCTileAndVectorizePassBase<QCTileAndVectorizePass> {
  using QCTileAndVectorizePassBase::QCTileAndVectorizePassBase;

  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (vectorBits < 64 || vectorBits > 2048 ||
        !llvm::isPowerOf2_32(vectorBits)) {
      fn.emitError() << "qc-tile-and-vectorize: vector-bits must be a power "
                        "of two in [64, 2048], got "
                     << static_cast<uint64_t>(vectorBits);
      return signalPassFailure();
    }
    if (accumulators < 1 || accumulators > 64) {
      fn.emitError() << "qc-tile-and-vectorize: accumulators must be in "
                        "[1, 64], got "
                     << static_cast<uint64_t>(accumulators);
      return signalPassFailure();
    }
    Planner planner(vectorBits, accumulators);
    IRRewriter rewriter(&getContext());

    // Named elementwise ops (linalg.transpose, linalg.add, linalg.copy, ...)
    // on floats become generics, so that they are planned like the
    // importer's elementwise generics.
    SmallVector<linalg::LinalgOp> named;
    fn.walk([&](linalg::LinalgOp op) {
      if (isa<linalg::GenericOp>(op) || !op.hasPureTensorSemantics() ||
          op.getNumLoops() != op.getNumParallelLoops() ||
          op.getNumDpsInits() != 1 || op->getNumResults() != 1 ||
          isa<linalg::FillOp>(op) || !commonFloatType(op))
        return;
      named.push_back(op);
    });
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::GenericOp> generic =
          linalg::generalizeNamedOp(rewriter, op);
      (void)generic; // An op that does not generalize stays as it is.
    }

    // Large matmuls: the blocked loops accumulate all but the last K block;
    // what is left is a matmul like any other (planned below).
    PanelPacker panels(fn);
    bool blocked = false;
    if (blockK > 0) {
      SmallVector<linalg::LinalgOp> matmuls;
      fn.walk([&](linalg::LinalgOp op) {
        if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
          matmuls.push_back(op);
      });
      for (linalg::LinalgOp op : matmuls)
        blocked |= blockLargeMatmul(rewriter, planner, op, panels);
    }

    // Anchors first (they claim their consumer chains), then what is left
    // of the elementwise generics.
    SmallVector<Group> groups;
    llvm::DenseSet<Operation *> taken;
    auto claim = [&](Group &g) {
      taken.insert(g.anchor);
      for (Operation *op : g.chain)
        taken.insert(op);
      if (g.fill)
        taken.insert(g.fill);
      groups.push_back(std::move(g));
    };
    fn.walk([&](linalg::LinalgOp op) {
      if (taken.contains(op))
        return;
      if (std::optional<Group> g = planner.planAnchor(op)) {
        growGroup(*g, taken);
        claim(*g);
      }
    });
    fn.walk([&](linalg::GenericOp op) {
      if (taken.contains(op))
        return;
      if (std::optional<Group> g = planner.planElementwise(op)) {
        growGroup(*g, taken);
        claim(*g);
      }
    });

    FilterPacker packer(fn);
    for (Group &g : groups)
      if (failed(processGroup(rewriter, g, packer, panels)))
        return signalPassFailure();

    // Nothing done: leave the function as it is (no canonicalization).
    if (groups.empty() && named.empty() && !blocked)
      return;
    // Fold the tile bookkeeping (unit loops, constant offsets).
    RewritePatternSet patterns(&getContext());
    for (Dialect *dialect : getContext().getLoadedDialects())
      dialect->getCanonicalizationPatterns(patterns);
    for (RegisteredOperationName name :
         getContext().getRegisteredOperations())
      name.getCanonicalizationPatterns(patterns, &getContext());
    // Not converging within the iteration limit leaves valid IR; as the
    // canonicalize pass, do not fail for it.
    (void)applyPatternsGreedily(fn, std::move(patterns));
  }

  /// Cache-blocks a large matmul: with static M, N and K, K larger than
  /// one K block, B larger than two B blocks and at least 4 register tiles
  /// per M block, B is packed into column panels (at compile time when it
  /// is a constant; read in place when M is too small to amortize a copy)
  /// and A into row panels, the
  /// blocked loops of emitBlockedPartial accumulate K blocks [0, kp), and
  /// the op becomes a matmul over [kp, K) starting from that partial sum,
  /// which is then tiled like any matmul (fusing the epilogue) and reads
  /// the same panels. Returns whether the op was rewritten.
  bool blockLargeMatmul(RewriterBase &rewriter, const Planner &planner,
                        linalg::LinalgOp op, PanelPacker &panels) {
    std::optional<Group> g = planner.planAnchor(op);
    if (!g || g->kind != Kind::Matmul)
      return false;
    Value a = op.getDpsInputOperand(0)->get();
    Value bm = op.getDpsInputOperand(1)->get();
    Value init = op.getDpsInitOperand(0)->get();
    auto aType = cast<RankedTensorType>(a.getType());
    auto bType = cast<RankedTensorType>(bm.getType());
    auto outType = cast<RankedTensorType>(init.getType());
    int64_t rank = outType.getRank();
    if (!allStaticExceptDim0(aType) || !allStaticExceptDim0(bType) ||
        !allStaticExceptDim0(outType) ||
        (rank == 2 && (aType.isDynamicDim(0) || bType.isDynamicDim(0))))
      return false;
    BlockPlan p;
    p.rank = rank;
    p.m = outType.getDimSize(rank - 2);
    p.n = outType.getDimSize(rank - 1);
    p.k = aType.getDimSize(rank - 1);
    p.mt = g->rows;
    p.nt = g->width;
    p.lanes = g->lanes;
    // Sizes in f32 elements: a wider type gets proportionally fewer.
    int64_t bytes = handledFloat(outType).getWidth() / 8;
    p.kc = std::max<int64_t>(1, blockK * 4 / bytes);
    int64_t ncMax = std::max<int64_t>(1, blockN * 4 / bytes);
    if (p.n % p.nt != 0 || p.m % p.mt != 0 || p.k <= p.kc)
      return false;
    p.nc = p.nt *
           largestDivisorAtMost(p.n / p.nt, std::max<int64_t>(1, ncMax / p.nt));
    p.mb = p.mt * largestDivisorAtMost(p.m / p.mt,
                                       std::max<int64_t>(1, kBlockRows / p.mt));
    if (p.mb / p.mt < 4)
      return false;
    // A B that fits in L2 (two B blocks: 1 MiB with the default blocks) is
    // read from there by the plain kernels.
    if (p.k * p.n * bytes <= 2 * p.kc * ncMax * bytes)
      return false;
    p.kp = p.kc * ((p.k - 1) / p.kc);

    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    Value fillValue, dest = init;
    auto fill = init.getDefiningOp<linalg::FillOp>();
    if (fill && init.hasOneUse()) {
      fillValue = fill.getDpsInputOperand(0)->get();
      dest = fill.getDpsInitOperand(0)->get();
    }
    // B is packed at compile time when it is a constant, at run time when
    // M has enough rows to amortize the copy, else read in place (its rows
    // N apart), still in blocks.
    Panels bPanels;
    if ((packWeights && PanelPacker::isPackableConstant(bm, p.nt)) ||
        p.m >= kMinPackedRows)
      bPanels = panels.packAtRunTime(rewriter, loc, bm, p.nt, packWeights);
    else
      bPanels = panelsInPlace(rewriter, loc, bm, p.nt);
    Panels aRows = panels.packRowsAtRunTime(rewriter, loc, a, p.mt);
    Value partial =
        emitBlockedPartial(rewriter, loc, p, aRows, bPanels, dest, fillValue);
    auto tailOf = [&](Value v, int64_t dim) -> Value {
      SmallVector<OpFoldResult> offs(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, v);
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      offs[dim] = rewriter.getIndexAttr(p.kp);
      sizes[dim] = rewriter.getIndexAttr(p.k - p.kp);
      return tensor::ExtractSliceOp::create(rewriter, loc, v, offs, sizes,
                                            strides);
    };
    Value aTail = tailOf(a, rank - 1), bTail = tailOf(bm, rank - 2);
    Panels tailPanels = bPanels;
    tailPanels.kOffset = p.kp;
    panels.record(bTail, p.nt, tailPanels);
    Panels tailRows = aRows;
    tailRows.kOffset = p.kp;
    panels.recordRows(aTail, p.mt, tailRows);
    Operation *tail;
    if (rank == 2)
      tail = linalg::MatmulOp::create(rewriter, loc, TypeRange{outType},
                                      ValueRange{aTail, bTail},
                                      ValueRange{partial});
    else
      tail = linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{outType},
                                           ValueRange{aTail, bTail},
                                           ValueRange{partial});
    rewriter.replaceOp(op, tail->getResults());
    if (fillValue)
      rewriter.eraseOp(fill);
    return true;
  }

  /// Vectorizes the tiles of a group: the anchor's kernel (or the first
  /// generic) produces rows of vectors, each chain generic maps them in
  /// registers, and the last rows are written to the root's tile. Groups
  /// whose generic is not row-vectorizable go through linalg::vectorize.
  LogicalResult vectorizeTiles(RewriterBase &rewriter, const Group &g,
                               scf::SCFTileAndFuseResult &tiled,
                               FilterPacker &packer, PanelPacker &panels) {
    Operation *rootTile = tiled.tiledAndFusedOps.front();
    // Walk from the root tile up the chain to the anchor tile.
    SmallVector<Operation *> chainTiles(g.chain.size());
    Operation *cur = rootTile;
    for (int64_t k = static_cast<int64_t>(g.chain.size()) - 1; k >= 0; --k) {
      chainTiles[k] = cur;
      cur = cur->getOperand(g.chainOperands[k]).getDefiningOp();
      if (!cur)
        return failure();
    }
    auto anchorTile = dyn_cast<linalg::LinalgOp>(cur);
    if (!anchorTile || anchorTile->getName() != g.anchor->getName())
      return failure();
    auto rootType = dyn_cast<RankedTensorType>(rootTile->getResult(0).getType());
    if (!rootType || !rootType.hasStaticShape())
      return failure();
    RowTile rt{SmallVector<int64_t>(rootType.getShape())};

    rewriter.setInsertionPoint(rootTile);
    Location loc = rootTile->getLoc();
    FailureOr<SmallVector<Value>> rows = failure();
    switch (g.kind) {
    case Kind::Matmul:
      rows = emitMatmulKernel(rewriter, anchorTile, g, panels, packWeights);
      break;
    case Kind::Elementwise: {
      auto generic = cast<linalg::GenericOp>(anchorTile.getOperation());
      if (!isRowVectorizable(generic)) {
        FailureOr<linalg::VectorizationResult> vec =
            linalg::vectorize(rewriter, anchorTile);
        if (failed(vec))
          return failure();
        rewriter.replaceOp(anchorTile, vec->replacements);
        return success();
      }
      rows = vectorizeGenericRows(rewriter, generic, rt, {}, -1);
      break;
    }
    default:
      rows = emitConvKernel(rewriter, anchorTile, g, packer, packWeights);
      break;
    }
    if (failed(rows))
      return failure();
    for (auto [k, op] : llvm::enumerate(chainTiles)) {
      rows = vectorizeGenericRows(rewriter, cast<linalg::GenericOp>(op), rt,
                                  *rows, g.chainOperands[k]);
      if (failed(rows))
        return failure();
    }
    auto dps = cast<DestinationStyleOpInterface>(rootTile);
    Value result =
        writeRows(rewriter, loc, *rows, dps.getDpsInitOperand(0)->get(), rt);
    rewriter.replaceAllUsesWith(rootTile->getResult(0), result);
    // The tiles are dead now, users first, the fused fill last.
    Operation *fillTile =
        anchorTile.getDpsInitOperand(0)->get().getDefiningOp<linalg::FillOp>();
    SmallVector<Operation *> dead(chainTiles.rbegin(), chainTiles.rend());
    dead.push_back(anchorTile);
    if (fillTile)
      dead.push_back(fillTile);
    for (Operation *op : dead)
      if (op->use_empty())
        rewriter.eraseOp(op);
    return success();
  }

  LogicalResult processGroup(RewriterBase &rewriter, Group &g,
                             FilterPacker &packer, PanelPacker &panels) {
    Operation *root = g.root();
    llvm::SmallPtrSet<Operation *, 8> members(g.chain.begin(), g.chain.end());
    members.insert(g.anchor);
    if (g.fill)
      members.insert(g.fill);

    // Tile sizes in the root's loop space, from the tile of its output.
    auto rootOp = cast<linalg::LinalgOp>(root);
    AffineMap outMap =
        rootOp.getMatchingIndexingMap(rootOp.getDpsInitOperand(0));
    SmallVector<int64_t> loopTile(rootOp.getNumLoops(), 0);
    for (auto [i, expr] : llvm::enumerate(outMap.getResults()))
      loopTile[cast<AffineDimExpr>(expr).getPosition()] = g.outTile[i];
    SmallVector<OpFoldResult> tileSizes;
    for (int64_t t : loopTile)
      tileSizes.push_back(rewriter.getIndexAttr(t));

    scf::SCFTileAndFuseOptions options;
    options.tilingOptions.setTileSizes(tileSizes);
    // Tiles write disjoint slices of the output: one scf.forall, which
    // qc-lower-to-llvm turns into a parallel loop (threads through OpenMP).
    options.tilingOptions.setLoopType(
        scf::SCFTilingOptions::LoopType::ForallOp);
    // A matmul reading B's column panels: the tiles of one panel (N) run
    // one after the other (M inner), so the panel stays in cache.
    if (g.kind == Kind::Matmul) {
      Value bOperand = cast<DestinationStyleOpInterface>(g.anchor)
                           .getDpsInputOperand(1)
                           ->get();
      if (panels.has(bOperand, g.width) ||
          (packWeights && PanelPacker::isPackableConstant(bOperand, g.width))) {
        int64_t outRank = static_cast<int64_t>(g.outTile.size());
        SmallVector<int64_t> order =
            llvm::to_vector(llvm::seq<int64_t>(0, rootOp.getNumLoops()));
        std::swap(order[outRank - 2], order[outRank - 1]);
        options.tilingOptions.setInterchange(order);
      }
    }
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer, bool)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (members.contains(producer.getOwner()))
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          return std::nullopt;
        });
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> tiled =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(root), options);
    if (failed(tiled))
      return root->emitError("qc-tile-and-vectorize: tiling failed");
    for (OpResult res : root->getResults())
      if (Value repl = tiled->replacements.lookup(res))
        rewriter.replaceAllUsesWith(res, repl);

    if (failed(vectorizeTiles(rewriter, g, *tiled, packer, panels))) {
      // Not expected (the group was checked when planned); the tiles stay
      // small linalg ops for the loop lowering, which is still correct.
      root->emitWarning("qc-tile-and-vectorize: tiles left unvectorized");
    }
    // The untiled ops of the group are dead now (erase users first).
    SmallVector<Operation *> dead(tiled->fusedProducers.begin(),
                                  tiled->fusedProducers.end());
    dead.push_back(root);
    for (bool erased = true; erased;) {
      erased = false;
      for (Operation *&op : dead)
        if (op && op->use_empty()) {
          rewriter.eraseOp(op);
          op = nullptr;
          erased = true;
        }
    }
    return success();
  }
};

} // namespace
