//===- MmlaKernels.cpp - AArch64 i8mm matrix-multiply microkernels --------===//
//
// qc-vectorize-integer-ops{isa=neon-i8mm}: qc.fully_connected and qc.conv2d
// (groups = 1) as register tiles of qc.mmla_u8s8, the 2 x 8 by 8 x 2 byte
// matrix multiply of i8mm (usmmla). The arithmetic is the one of the
// dot-product kernels (VectorizeIntegerOps.cpp, docs/Microkernels.md):
// activations as unsigned bytes xu = x + off (off = 128 for signed storage,
// applied while packing), the zero point and offset folded into the bias at
// compile time,
//
//   sum_k (x - zx) * w + bias = sum_k xu * w + (bias - (zx + off) sum_k w)
//
// modulo 2^32, and the exact integer qc.requantize epilogue. Only the
// layouts and the tile differ:
//
// * weights [N/16][K/8][8][2][8]: per column tile of 16 output channels and
//   K step of 8, eight 16-byte vectors, vector q holding channels 2q and
//   2q + 1 (8 K bytes each), the right operand of one usmmla; for
//   convolutions K runs tap by tap over the channels rounded up to 8;
// * activations, the left operand, 2 rows x 8 K bytes per 16-byte vector:
//   fully connected rows packed [M/2][K/8][2][8]; convolutions read two
//   8-byte pixel groups of the padded NHWC input (implicit GEMM);
// * a tile of 4 rows (2 pairs) x 16 channels (8 column pairs) keeps 16
//   accumulator blocks of 2 x 2 i32 in registers: per K step 2 activation
//   vectors, 8 weight loads and 16 usmmla, 26 of the 32 NEON registers.
//
// After the K loop, each pair's 8 blocks are deinterleaved into two rows of
// 16 consecutive output channels (vector<16xi32>), which go through the
// requantization epilogue and one (masked) 16-lane store or scatter each
// (convolutions: a transposed store of the whole tile where it applies).
//
//===----------------------------------------------------------------------===//
#include "MmlaKernels.h"

#include "GemmKernel.h"
#include "KernelSupport.h"

#include "qc/Conversion/QCToLinalg/QCToLinalg.h"
#include "qc/Conversion/QuantTypeUtils.h"
#include "qc/Dialect/QC/IR/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace qc;
using namespace qc::kernels;

namespace {

// kLanes (16): output channels per column tile and row.
constexpr int64_t kDepth = 8; // K bytes per usmmla row
constexpr int64_t kBlockBytes = 16;
constexpr int64_t kColumnPairs = kLanes / 2;
constexpr int64_t kTilePairs = 2; // rows of a full tile: 2 pairs

/// Everything the kernel needs, computed at compile time.
struct MmlaPlan {
  // Problem: rows x n over K = kh * kw * cp, tap by tap, each tap's c
  // channels rounded up to cp (a multiple of 8). Fully connected: one tap
  // of c = K.
  int64_t n = 0, c = 0, cp = 0, kh = 1, kw = 1;
  int64_t kp() const { return kh * kw * cp; }
  int64_t kSteps() const { return kp() / kDepth; }
  int64_t np() const { return roundUp(n, kLanes); }
  bool inputSigned = false;
  int64_t inputOffset = 0, zx = 0;
  unsigned inputBits = 8;
  bool parallel = true;
  // The packed weights [np/16][kp/8][8][2][8], the folded bias and the
  // requantization: the epilogue and the globals of the dot-product kernels
  // (GemmKernel.h) on them.
  GemmPlan gemm;
};

/// Why `op` (fully connected or convolution) is left to the reference
/// lowering, or success with its plan; `c` input channels per tap of a
/// kh x kw window.
LogicalResult planGemm(Operation *op, Value input, Value weight, Value bias,
                       Value result, RequantMode mode,
                       std::pair<int64_t, int64_t> bounds, int64_t c,
                       int64_t kh, int64_t kw, MmlaPlan &plan,
                       std::string &why) {
  if (failed(checkIntegerOpLowerable(op, why)))
    return failure();
  if (mode == RequantMode::float_scale) {
    why = "mode float_scale has no vector epilogue";
    return failure();
  }
  KernelOperands ops;
  if (failed(readKernelOperands(input, weight, bias, result,
                                /*exactInputBits=*/false, ops, why)))
    return failure();
  quant::QuantizedType xq = ops.input, wq = ops.weight, yq = ops.result;
  plan.n = cast<RankedTensorType>(weight.getType()).getDimSize(0);
  plan.c = c;
  plan.cp = roundUp(c, kDepth);
  plan.kh = kh;
  plan.kw = kw;
  plan.inputSigned = xq.isSigned();
  plan.inputOffset = xq.isSigned() ? 128 : 0;
  plan.inputBits = xq.getStorageTypeIntegralWidth();
  plan.zx = zeroPointOf(xq);

  // Weight (f, ch, i, j) is K position kk = (i * kw + j) * cp + ch: column
  // tile f / 16, K step kk / 8, vector (f % 16) / 2, half f % 2, byte
  // kk % 8. Padding (channels and N) stays 0.
  int64_t n = plan.n, steps = plan.kSteps();
  SmallVector<int8_t> &packed = plan.gemm.packed;
  packed.assign(plan.np() * plan.kp(), 0);
  SmallVector<int64_t> colSum(plan.np(), 0);
  for (int64_t f = 0; f < n; ++f)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j) {
          int64_t value = ops.weights[((f * c + ch) * kh + i) * kw + j];
          int64_t kk = (i * kw + j) * plan.cp + ch;
          int64_t vec = (f / kLanes * steps + kk / kDepth) * kColumnPairs +
                        f % kLanes / 2;
          packed[vec * kBlockBytes + f % 2 * kDepth + kk % kDepth] =
              static_cast<int8_t>(value);
          colSum[f] += value;
        }

  // Bias with the activation zero point and offset folded in, wrapping like
  // the i32 accumulator of the reference lowering.
  int64_t zEff = plan.zx + plan.inputOffset;
  GemmPlan &e = plan.gemm;
  e.n = n;
  e.nv = 1; // np(): 16-channel column tiles
  e.bias.assign(plan.np(), 0);
  for (int64_t f = 0; f < n; ++f) {
    uint32_t v = ops.bias ? static_cast<uint32_t>((*ops.bias)[f]) : 0u;
    v -= static_cast<uint32_t>(zEff) * static_cast<uint32_t>(colSum[f]);
    e.bias[f] = static_cast<int32_t>(v);
  }

  if (failed(computeChannelRequant(xq, wq, yq, n, plan.np(),
                                   mode == RequantMode::double_round, e.requant,
                                   why)))
    return failure();
  e.zy = zeroPointOf(yq);
  e.lo = std::max<int64_t>(yq.getStorageTypeMin(), bounds.first);
  e.hi = std::min<int64_t>(yq.getStorageTypeMax(), bounds.second);
  e.outStorage =
      IntegerType::get(op->getContext(), yq.getStorageTypeIntegralWidth());
  return success();
}

LogicalResult planFullyConnected(FullyConnectedOp op, MmlaPlan &plan,
                                 std::string &why) {
  auto xType = cast<RankedTensorType>(op.getInput().getType());
  if (xType.isDynamicDim(1)) {
    why = "dynamic K";
    return failure();
  }
  return planGemm(op, op.getInput(), op.getWeight(), op.getBias(),
                  op.getResult(), op.getMode(), op.getResultStorageBounds(),
                  xType.getDimSize(1), 1, 1, plan, why);
}

LogicalResult planConv(Conv2DOp op, MmlaPlan &plan, std::string &why) {
  auto xType = cast<RankedTensorType>(op.getInput().getType());
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  if (failed(checkConvKernelShape(op, why)))
    return failure();
  return planGemm(op, op.getInput(), op.getWeight(), op.getBias(),
                  op.getResult(), op.getMode(), op.getResultStorageBounds(),
                  xType.getDimSize(1), wType.getDimSize(2), wType.getDimSize(3),
                  plan, why);
}

/// A loop nest without results over [lb, ub) by `steps`: an scf.parallel
/// when `parallel`, else nested scf.for.
void loopNest(OpBuilder &b, Location loc, bool parallel, ValueRange lbs,
              ValueRange ubs, ArrayRef<int64_t> steps,
              function_ref<void(ValueRange)> body) {
  IndexMath im{b, loc};
  if (parallel) {
    SmallVector<Value> stepValues;
    for (int64_t s : steps)
      stepValues.push_back(im.c(s));
    scf::ParallelOp::create(b, loc, lbs, ubs, stepValues,
                            [&](OpBuilder &pb, Location, ValueRange ivs) {
                              OpBuilder::InsertionGuard guard(b);
                              b.setInsertionPoint(pb.getInsertionBlock(),
                                                  pb.getInsertionPoint());
                              body(ivs);
                            });
    return;
  }
  std::function<void(size_t, SmallVector<Value>)> level =
      [&](size_t d, SmallVector<Value> ivs) {
        if (d == steps.size()) {
          body(ivs);
          return;
        }
        forLoop(b, loc, lbs[d], ubs[d], steps[d], {},
                [&](Value iv, ValueRange) {
                  SmallVector<Value> inner = ivs;
                  inner.push_back(iv);
                  level(d + 1, inner);
                  return SmallVector<Value>();
                });
      };
  level(0, {});
}

/// Stores the 16 result lanes of row `row`, channels [col, col + 16); none
/// of them when `valid` (an i1, may be null) is false.
using RowStore = function_ref<void(OpBuilder &, Location, Value row, Value col,
                                   Value lanes, Value valid)>;

/// Stores the results of the 4 consecutive rows from `row0` of a full tile,
/// channels [col, col + 16), lanes[i] for row row0 + i.
using TileStore = function_ref<void(OpBuilder &, Location, Value row0,
                                    Value col, ArrayRef<Value> lanes)>;

/// Where a kernel reads its activations: the K loop nest (trip counts,
/// outermost first; K step s is their mixed-radix index, so the weights
/// advance by one panel row per innermost iteration), per tile the values
/// that address a row pair, and in the loop the pair's 16-byte vector.
struct ActivationSource {
  SmallVector<int64_t> kLoops;
  /// Values computed once per tile for row pair `pair`; `lastRowValid`
  /// (may be null) says whether its odd row is inside M.
  std::function<SmallVector<Value>(IndexMath &, Value pair, Value lastRowValid)>
      pairBases;
  /// The 2 x 8 bytes of the pair at the K loop indices `ivs`.
  std::function<Value(OpBuilder &, Location, ArrayRef<Value> bases,
                      ValueRange ivs)>
      load;
};

/// K loops over `trips` (outermost first) carrying `iterArgs`; `body` gets
/// the induction variables and the carried values.
SmallVector<Value>
kLoopNest(OpBuilder &b, Location loc, ArrayRef<int64_t> trips,
          ValueRange iterArgs,
          function_ref<SmallVector<Value>(ValueRange, ValueRange)> body,
          SmallVector<Value> ivs = {}) {
  IndexMath im{b, loc};
  size_t d = ivs.size();
  return forLoop(b, loc, im.c(0), im.c(trips[d]), 1, iterArgs,
                 [&](Value iv, ValueRange args) {
                   SmallVector<Value> inner = ivs;
                   inner.push_back(iv);
                   if (d + 1 == trips.size())
                     return body(inner, args);
                   return kLoopNest(b, loc, trips, args, body, inner);
                 });
}

/// One register tile: row pairs [pair0, pair0 + pairs) x the 16 channels
/// from `n0`. Rows at or past `rows` (the padding row of an odd M, only in
/// a one-pair tile with `guardOddRow`) are computed but not stored. A full
/// tile goes out through `storeTile` when given, else row by row.
void emitTile(OpBuilder &b, Location loc, const MmlaPlan &plan,
              const PlanGlobals &g, const ActivationSource &src, Value pair0,
              int64_t pairs, Value n0, Value rows, bool guardOddRow,
              RowStore store, TileStore storeTile = nullptr) {
  IndexMath im{b, loc};
  auto v16i8 = VectorType::get({kBlockBytes}, b.getI8Type());
  auto v4i32 = VectorType::get({4}, b.getI32Type());
  int64_t steps = plan.kSteps();
  // This column tile's weight panel, and the pairs' activation addresses.
  Value panel = im.mul(im.div(n0, kLanes), steps * kColumnPairs * kBlockBytes);
  Value oddRowValid;
  if (guardOddRow)
    oddRowValid = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::ult,
        im.add(im.mul(im.add(pair0, pairs - 1), 2), 1), rows);
  SmallVector<SmallVector<Value>> bases;
  for (int64_t p = 0; p < pairs; ++p)
    bases.push_back(src.pairBases(im, im.add(pair0, p),
                                  p == pairs - 1 ? oddRowValid : Value()));
  Value zero = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(v4i32, b.getI32IntegerAttr(0)));
  SmallVector<Value> init(pairs * kColumnPairs, zero);
  SmallVector<Value> accs =
      kLoopNest(b, loc, src.kLoops, init, [&](ValueRange ivs, ValueRange acc) {
        Value s = ivs[0];
        for (size_t d = 1; d < ivs.size(); ++d)
          s = im.add(im.mul(s, src.kLoops[d]), ivs[d]);
        Value wAt = im.add(panel, im.mul(s, kColumnPairs * kBlockBytes));
        SmallVector<Value> w;
        for (int64_t q = 0; q < kColumnPairs; ++q)
          w.push_back(
              vector::LoadOp::create(b, loc, v16i8, g.packed,
                                     ValueRange{im.add(wAt, q * kBlockBytes)}));
        SmallVector<Value> next(acc);
        for (int64_t p = 0; p < pairs; ++p) {
          Value a = src.load(b, loc, bases[p], ivs);
          for (int64_t q = 0; q < kColumnPairs; ++q)
            next[p * kColumnPairs + q] = MmlaU8S8Op::create(
                b, loc, v4i32, next[p * kColumnPairs + q], a, w[q]);
        }
        return next;
      });

  // Block q of a pair holds rows (2p, 2p + 1) x channels (2q, 2q + 1),
  // row-major: the even row's channels are lanes 0, 1 of every block, the
  // odd row's lanes 2, 3. Two blocks at a time (a 64-bit zip on AArch64),
  // then the halves concatenated.
  EpilogueConstants constants = loadEpilogueConstants(b, loc, plan.gemm, g, n0);
  bool wholeTile = storeTile && pairs == kTilePairs && !guardOddRow;
  SmallVector<Value> tileLanes;
  for (int64_t p = 0; p < pairs; ++p) {
    for (int64_t i = 0; i < 2; ++i) {
      SmallVector<Value> parts;
      for (int64_t q = 0; q < kColumnPairs; q += 2)
        parts.push_back(vector::ShuffleOp::create(
            b, loc, accs[p * kColumnPairs + q], accs[p * kColumnPairs + q + 1],
            ArrayRef<int64_t>{2 * i, 2 * i + 1, 4 + 2 * i, 5 + 2 * i}));
      while (parts.size() > 1) {
        SmallVector<Value> joined;
        for (size_t t = 0; t < parts.size(); t += 2) {
          int64_t len = cast<VectorType>(parts[t].getType()).getNumElements();
          SmallVector<int64_t> mask;
          for (int64_t l = 0; l < 2 * len; ++l)
            mask.push_back(l);
          joined.push_back(
              vector::ShuffleOp::create(b, loc, parts[t], parts[t + 1], mask));
        }
        parts = std::move(joined);
      }
      Value lanes =
          requantizeLanes(b, loc, plan.gemm, constants, parts.front());
      if (wholeTile) {
        tileLanes.push_back(lanes);
        continue;
      }
      Value row = im.add(im.mul(im.add(pair0, p), 2), i);
      // The padding row stores nothing (an empty mask, at the even row's
      // address); a branch here would keep OpenMP's loop body in a
      // multi-block memref.alloca_scope next to the usmmla calls.
      Value inside;
      if (i == 1 && p == pairs - 1 && guardOddRow) {
        inside = oddRowValid;
        row = arith::SelectOp::create(b, loc, inside, row,
                                      im.mul(im.add(pair0, p), 2));
      }
      store(b, loc, row, n0, lanes, inside);
    }
  }
  if (wholeTile)
    storeTile(b, loc, im.mul(pair0, 2), n0, tileLanes);
}

/// The activations of `x` (M x K storage) packed as [ceil(M/2)][kp/8][2][8]
/// unsigned bytes: per row pair and K step, the 8 bytes of the even row then
/// the 8 of the odd row. The K tail is zero (its weights are zero), and so
/// is the second row of the last pair when M is odd.
Value packActivations(OpBuilder &b, Location loc, const MmlaPlan &plan, Value x,
                      Value rows) {
  IndexMath im{b, loc};
  int64_t k = plan.c, steps = plan.kSteps();
  Type i8 = b.getI8Type();
  Value pairs = im.div(im.add(rows, 1), 2);
  auto type = MemRefType::get({ShapedType::kDynamic}, i8);
  Value packed = memref::AllocOp::create(
      b, loc, type, ValueRange{im.mul(pairs, steps * kBlockBytes)},
      b.getI64IntegerAttr(64));
  auto v8i8 = VectorType::get({kDepth}, i8);
  auto splat = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(v8i8, b.getI8IntegerAttr(v)));
  };
  // Row m, K step s starts at (m / 2 * steps + s) * 16 + m % 2 * 8.
  auto rowStart = [&](IndexMath &m, Value row) {
    return m.add(m.mul(m.mul(m.div(row, 2), steps), kBlockBytes),
                 m.mul(m.rem(row, 2), kDepth));
  };
  if (plan.inputBits == 8) {
    // 8 bytes per load and store; the K tail through a masked load whose
    // other lanes read 0 (0x80 before the xor of signed storage).
    Value flip = plan.inputOffset ? splat(-128) : Value();
    int64_t whole = k / kDepth, tail = k % kDepth;
    Value tailMask, pass;
    if (tail) {
      tailMask = prefixMask(b, loc, kDepth, tail);
      pass = splat(plan.inputOffset ? -128 : 0);
    }
    forLoop(b, loc, im.c(0), rows, 1, {}, [&](Value m, ValueRange) {
      Value start = rowStart(im, m);
      auto copy = [&](Value s, bool masked) {
        Value col = im.mul(s, kDepth);
        Value v =
            masked ? vector::MaskedLoadOp::create(
                         b, loc, v8i8, x, ValueRange{m, col}, tailMask, pass)
                         .getResult()
                   : vector::LoadOp::create(b, loc, v8i8, x, ValueRange{m, col})
                         .getResult();
        if (flip)
          v = arith::XOrIOp::create(b, loc, v, flip);
        vector::StoreOp::create(
            b, loc, v, packed,
            ValueRange{im.add(start, im.mul(s, kBlockBytes))});
      };
      if (whole)
        forLoop(b, loc, im.c(0), im.c(whole), 1, {}, [&](Value s, ValueRange) {
          copy(s, false);
          return SmallVector<Value>();
        });
      if (tail)
        copy(im.c(whole), true);
      return SmallVector<Value>();
    });
  } else {
    // Narrower storage (4-bit activations): element by element, extended
    // to a byte; the K tail written as 0.
    Value zero = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
    forLoop(b, loc, im.c(0), rows, 1, {}, [&](Value m, ValueRange) {
      Value start = rowStart(im, m);
      forLoop(
          b, loc, im.c(0), im.c(plan.kp()), 1, {}, [&](Value kk, ValueRange) {
            Value at =
                im.add(start, im.add(im.mul(im.div(kk, kDepth), kBlockBytes),
                                     im.rem(kk, kDepth)));
            Value inside = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::ult, kk, im.c(k));
            auto branch = scf::IfOp::create(b, loc, TypeRange{i8}, inside,
                                            /*withElse=*/true);
            {
              OpBuilder::InsertionGuard g(b);
              b.setInsertionPointToStart(&branch.getThenRegion().front());
              Value v = memref::LoadOp::create(b, loc, x, ValueRange{m, kk});
              v = plan.inputSigned
                      ? arith::ExtSIOp::create(b, loc, i8, v).getResult()
                      : arith::ExtUIOp::create(b, loc, i8, v).getResult();
              if (plan.inputOffset)
                v = arith::XOrIOp::create(
                    b, loc, v,
                    arith::ConstantOp::create(b, loc,
                                              b.getI8IntegerAttr(-128)));
              scf::YieldOp::create(b, loc, v);
              b.setInsertionPointToStart(&branch.getElseRegion().front());
              scf::YieldOp::create(b, loc, zero);
            }
            memref::StoreOp::create(b, loc, branch.getResult(0), packed,
                                    ValueRange{at});
            return SmallVector<Value>();
          });
      return SmallVector<Value>();
    });
  }
  // The padding row of an odd M: zero, so that its (unused) results come
  // from defined bytes.
  Value odd = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                    im.rem(rows, 2), im.c(0));
  auto ifOdd = scf::IfOp::create(b, loc, odd, /*withElse=*/false);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&ifOdd.getThenRegion().front());
    Value start = rowStart(im, rows);
    Value zeros = splat(0);
    forLoop(b, loc, im.c(0), im.c(steps), 1, {}, [&](Value s, ValueRange) {
      vector::StoreOp::create(
          b, loc, zeros, packed,
          ValueRange{im.add(start, im.mul(s, kBlockBytes))});
      return SmallVector<Value>();
    });
  }
  return packed;
}

/// Row loops: full tiles of 4 rows (2 pairs), then the pairs left over one
/// at a time (the last one with a padding row when `rows` is odd; none when
/// `staticRows` is a multiple of 4); threads split the leftover pairs'
/// column tiles too.
void emitRowLoops(OpBuilder &b, Location loc, const MmlaPlan &plan,
                  const PlanGlobals &g, const ActivationSource &src, Value rows,
                  std::optional<int64_t> staticRows, RowStore store,
                  TileStore storeTile = nullptr) {
  IndexMath im{b, loc};
  int64_t tileRows = 2 * kTilePairs;
  Value full = im.mul(im.div(rows, tileRows), tileRows);
  Value np = im.c(plan.np());
  loopNest(b, loc, plan.parallel, ValueRange{im.c(0)}, ValueRange{full},
           {tileRows}, [&](ValueRange ivs) {
             forLoop(b, loc, im.c(0), np, kLanes, {},
                     [&](Value n0, ValueRange) {
                       emitTile(b, loc, plan, g, src, im.div(ivs[0], 2),
                                kTilePairs, n0, rows,
                                /*guardOddRow=*/false, store, storeTile);
                       return SmallVector<Value>();
                     });
           });
  if (staticRows && *staticRows % tileRows == 0)
    return;
  bool mayBeOdd = !staticRows || *staticRows % 2 != 0;
  loopNest(b, loc, plan.parallel, ValueRange{im.div(full, 2), im.c(0)},
           ValueRange{im.div(im.add(rows, 1), 2), np}, {1, kLanes},
           [&](ValueRange ivs) {
             emitTile(b, loc, plan, g, src, ivs[0], 1, ivs[1], rows, mayBeOdd,
                      store);
           });
}

/// The weights and epilogue constants of `plan` as private constant
/// globals named after the layer (`__qc_ukernel_<layer>_mmla_weights`, ...).
PlanGlobals emitMmlaGlobals(OpBuilder &b, Location loc, Operation *op,
                            SymbolTable &symbols, const MmlaPlan &plan) {
  return emitGlobals(b, loc, op->getParentOfType<ModuleOp>(), symbols,
                     plan.gemm, layerSymbol("__qc_ukernel", op) + "_mmla");
}

/// A rewrite into the mmla kernel; constant globals go into `symbols`.
template <typename OpTy> struct MmlaPattern : OpRewritePattern<OpTy> {
  MmlaPattern(MLIRContext *ctx, SymbolTable &symbols, bool parallel)
      : OpRewritePattern<OpTy>(ctx), symbols(symbols), parallel(parallel) {}
  SymbolTable &symbols;
  bool parallel;
};

struct FullyConnectedToMmla : MmlaPattern<FullyConnectedOp> {
  using MmlaPattern::MmlaPattern;

  LogicalResult matchAndRewrite(FullyConnectedOp op,
                                PatternRewriter &b) const override {
    MmlaPlan plan;
    plan.parallel = parallel;
    std::string why;
    if (failed(planFullyConnected(op, plan, why)))
      return b.notifyMatchFailure(op, why);
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    Location loc = op.getLoc();
    PlanGlobals g = emitMmlaGlobals(b, loc, op, symbols, plan);

    Value x = storageBuffer(b, loc, op.getInput());
    Value rows = memref::DimOp::create(b, loc, x, 0);
    Value packed = packActivations(b, loc, plan, x, rows);
    int64_t steps = plan.kSteps();
    ActivationSource src;
    src.kLoops = {steps};
    src.pairBases = [&](IndexMath &m, Value pair, Value) {
      return SmallVector<Value>{m.mul(pair, steps * kBlockBytes)};
    };
    src.load = [&](OpBuilder &lb, Location ll, ArrayRef<Value> bases,
                   ValueRange ivs) -> Value {
      IndexMath m{lb, ll};
      return vector::LoadOp::create(
          lb, ll, VectorType::get({kBlockBytes}, lb.getI8Type()), packed,
          ValueRange{m.add(bases[0], m.mul(ivs[0], kBlockBytes))});
    };

    SmallVector<Value> dyn;
    if (outType.isDynamicDim(0))
      dyn.push_back(rows);
    Value out = allocBuffer(b, loc, outType, plan.gemm.outStorage, dyn);
    Value flat = flatten(b, loc, out);
    int64_t n = plan.n;
    auto maskType = VectorType::get({kLanes}, b.getI1Type());
    auto store = [&](OpBuilder &sb, Location sl, Value row, Value col,
                     Value lanes, Value valid) {
      IndexMath sm{sb, sl};
      Value at = sm.add(sm.mul(row, n), col);
      if (n % kLanes == 0 && !valid) {
        vector::StoreOp::create(sb, sl, lanes, flat, ValueRange{at});
        return;
      }
      Value left = arith::SubIOp::create(sb, sl, sm.c(n), col);
      if (valid)
        left = arith::SelectOp::create(sb, sl, valid, left, sm.c(0));
      Value mask =
          vector::CreateMaskOp::create(sb, sl, maskType, ValueRange{left});
      vector::MaskedStoreOp::create(sb, sl, flat, ValueRange{at}, mask, lanes);
    };
    std::optional<int64_t> staticRows;
    if (!outType.isDynamicDim(0))
      staticRows = outType.getDimSize(0);
    emitRowLoops(b, loc, plan, g, src, rows, staticRows, store);
    b.replaceOp(op, resultTensor(b, loc, out, outType));
    return success();
  }
};

/// The input of a convolution as padded NHWC bytes, cp channels per pixel:
/// the spatial padding and the channel tail hold the zero point's byte
/// (zx + off) mod 256, so that they contribute what the folded bias takes
/// away. 8-bit storage with C a multiple of 8: 8 channels x 8 pixels per
/// step (8 row loads, one byte transpose, 8 stores of 8 channels; masked
/// loads for a row tail); else element by element.
Value packConvInput(OpBuilder &b, Location loc, const MmlaPlan &plan, Value x,
                    Value batch, int64_t h, int64_t w, int64_t hp, int64_t wp,
                    ArrayRef<int64_t> pad) {
  IndexMath im{b, loc};
  Type i8 = b.getI8Type();
  int64_t c = plan.c, cp = plan.cp;
  PackedLayout layout{h,
                      w,
                      cp,
                      c,
                      (plan.zx + plan.inputOffset) & 0xff,
                      SmallVector<int64_t, 4>(pad)};
  Value packed = allocPackedInput(b, loc, batch, layout);
  batchLoop(b, loc, batch, plan.parallel,
            [&](Value n) { fillPadding(b, loc, packed, n, layout); });
  auto packedAt = [&](Value n, Value y, Value xx, Value ch) {
    Value at = im.mul(im.add(im.mul(n, hp), im.add(y, pad[0])), wp);
    return im.add(im.mul(im.add(at, im.add(xx, pad[1])), cp), ch);
  };
  auto loops = [&](int64_t cStep, int64_t xStep, int64_t xEnd,
                   function_ref<void(Value, Value, Value, Value)> body) {
    forLoop(b, loc, im.c(0), batch, 1, {}, [&](Value n, ValueRange) {
      forLoop(b, loc, im.c(0), im.c(h), 1, {}, [&](Value y, ValueRange) {
        forLoop(b, loc, im.c(0), im.c(c), cStep, {}, [&](Value ch, ValueRange) {
          forLoop(b, loc, im.c(0), im.c(xEnd), xStep, {},
                  [&](Value xx, ValueRange) {
                    body(n, y, ch, xx);
                    return SmallVector<Value>();
                  });
          return SmallVector<Value>();
        });
        return SmallVector<Value>();
      });
      return SmallVector<Value>();
    });
  };
  if (plan.inputBits == 8 && c % kDepth == 0) {
    auto v8i8 = VectorType::get({kDepth}, i8);
    Value flip = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(v8i8, b.getI8IntegerAttr(-128)));
    int64_t tail = w % kDepth, whole = w - tail;
    Value tailMask, zeros;
    if (tail) {
      tailMask = prefixMask(b, loc, kDepth, tail);
      zeros = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(v8i8, b.getI8IntegerAttr(0)));
    }
    auto block = [&](Value n, Value y, Value c0, Value x0, int64_t count) {
      // 8 channels x 8 pixels, concatenated, then pixel-major.
      SmallVector<Value> rowsIn;
      for (int64_t i = 0; i < kDepth; ++i) {
        SmallVector<Value, 4> at{n, im.add(c0, i), y, x0};
        Value v = count == kDepth
                      ? vector::LoadOp::create(b, loc, v8i8, x, at).getResult()
                      : vector::MaskedLoadOp::create(b, loc, v8i8, x, at,
                                                     tailMask, zeros)
                            .getResult();
        if (plan.inputOffset)
          v = arith::XOrIOp::create(b, loc, v, flip);
        rowsIn.push_back(v);
      }
      while (rowsIn.size() > 1) {
        SmallVector<Value> joined;
        for (size_t t = 0; t < rowsIn.size(); t += 2) {
          int64_t len = cast<VectorType>(rowsIn[t].getType()).getNumElements();
          SmallVector<int64_t> mask;
          for (int64_t l = 0; l < 2 * len; ++l)
            mask.push_back(l);
          joined.push_back(vector::ShuffleOp::create(b, loc, rowsIn[t],
                                                     rowsIn[t + 1], mask));
        }
        rowsIn = std::move(joined);
      }
      Value all = rowsIn.front();
      for (int64_t p = 0; p < count; ++p) {
        SmallVector<int64_t> pick;
        for (int64_t i = 0; i < kDepth; ++i)
          pick.push_back(i * kDepth + p);
        Value pixel = vector::ShuffleOp::create(b, loc, all, all, pick);
        vector::StoreOp::create(b, loc, pixel, packed,
                                ValueRange{packedAt(n, y, im.add(x0, p), c0)});
      }
    };
    if (whole)
      loops(kDepth, kDepth, whole, [&](Value n, Value y, Value c0, Value x0) {
        block(n, y, c0, x0, kDepth);
      });
    if (tail)
      loops(kDepth, 1, 1, [&](Value n, Value y, Value c0, Value) {
        block(n, y, c0, im.c(whole), tail);
      });
    return packed;
  }
  loops(1, 1, w, [&](Value n, Value y, Value ch, Value xx) {
    Value v = memref::LoadOp::create(b, loc, x, ValueRange{n, ch, y, xx});
    if (cast<IntegerType>(v.getType()).getWidth() < 8)
      v = plan.inputSigned ? arith::ExtSIOp::create(b, loc, i8, v).getResult()
                           : arith::ExtUIOp::create(b, loc, i8, v).getResult();
    if (plan.inputOffset)
      v = arith::XOrIOp::create(
          b, loc, v,
          arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(-128)));
    memref::StoreOp::create(b, loc, v, packed,
                            ValueRange{packedAt(n, y, xx, ch)});
  });
  return packed;
}

/// qc.conv2d as an implicit GEMM on the padded NHWC bytes: rows are output
/// pixels (flattened over the batch), K runs over the taps and, per tap,
/// the cp channels in steps of 8. A pair's 16 bytes are two 8-byte loads,
/// one per pixel, at the tap's offset (no im2col buffer). Results go into
/// the NCHW planes: whole tiles of planes of a multiple of 4 pixels as 4
/// consecutive pixels per channel, other rows through a (masked) scatter of
/// 16 channels per pixel.
struct Conv2DToMmla : MmlaPattern<Conv2DOp> {
  using MmlaPattern::MmlaPattern;

  LogicalResult matchAndRewrite(Conv2DOp op,
                                PatternRewriter &b) const override {
    MmlaPlan plan;
    plan.parallel = parallel;
    std::string why;
    if (failed(planConv(op, plan, why)))
      return b.notifyMatchFailure(op, why);
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    auto outType = cast<RankedTensorType>(op.getResult().getType());
    int64_t h = xType.getDimSize(2), w = xType.getDimSize(3);
    ArrayRef<int64_t> pad = op.getPadding(), st = op.getStrides(),
                      dil = op.getDilations();
    int64_t hp = h + pad[0] + pad[2], wp = w + pad[1] + pad[3];
    int64_t oh = outType.getDimSize(2), ow = outType.getDimSize(3);
    int64_t f = plan.n, cp = plan.cp, plane = oh * ow;
    Location loc = op.getLoc();
    IndexMath im{b, loc};
    PlanGlobals g = emitMmlaGlobals(b, loc, op, symbols, plan);

    Value x = storageBuffer(b, loc, op.getInput());
    Value batch = memref::DimOp::create(b, loc, x, 0);
    Value packed = packConvInput(b, loc, plan, x, batch, h, w, hp, wp, pad);
    Value rows = im.mul(batch, plane);

    auto v8i8 = VectorType::get({kDepth}, b.getI8Type());
    auto rowBase = [&](IndexMath &m, Value row) {
      Value n = m.div(row, plane), r = m.rem(row, plane);
      Value y = m.div(r, ow), xx = m.rem(r, ow);
      Value at = m.add(m.mul(n, hp), m.mul(y, st[0]));
      return m.mul(m.add(m.mul(at, wp), m.mul(xx, st[1])), cp);
    };
    ActivationSource src;
    src.kLoops = {plan.kh, plan.kw, cp / kDepth};
    src.pairBases = [&](IndexMath &m, Value pair, Value oddValid) {
      Value even = m.mul(pair, 2);
      Value odd = m.add(even, 1);
      // The padding row of an odd M reads the even row's pixel.
      if (oddValid)
        odd = arith::SelectOp::create(m.b, m.loc, oddValid, odd, even);
      return SmallVector<Value>{rowBase(m, even), rowBase(m, odd)};
    };
    src.load = [&](OpBuilder &lb, Location ll, ArrayRef<Value> bases,
                   ValueRange ivs) -> Value {
      IndexMath m{lb, ll};
      Value offset = m.add(
          m.add(m.mul(ivs[0], dil[0] * wp * cp), m.mul(ivs[1], dil[1] * cp)),
          m.mul(ivs[2], kDepth));
      Value lo = vector::LoadOp::create(lb, ll, v8i8, packed,
                                        ValueRange{m.add(bases[0], offset)});
      Value hi = vector::LoadOp::create(lb, ll, v8i8, packed,
                                        ValueRange{m.add(bases[1], offset)});
      SmallVector<int64_t> both;
      for (int64_t l = 0; l < kBlockBytes; ++l)
        both.push_back(l);
      return vector::ShuffleOp::create(lb, ll, lo, hi, both);
    };

    SmallVector<Value> dyn;
    if (outType.isDynamicDim(0))
      dyn.push_back(batch);
    Value out = allocBuffer(b, loc, outType, plan.gemm.outStorage, dyn);
    Value flat = flatten(b, loc, out);
    SmallVector<int64_t> laneOffsets;
    for (int64_t l = 0; l < kLanes; ++l)
      laneOffsets.push_back(l * plane);
    Value offsets = arith::IndexCastOp::create(
        b, loc, VectorType::get({kLanes}, b.getIndexType()),
        arith::ConstantOp::create(
            b, loc,
            DenseElementsAttr::get(VectorType::get({kLanes}, b.getI64Type()),
                                   ArrayRef<int64_t>(laneOffsets))));
    auto maskType = VectorType::get({kLanes}, b.getI1Type());
    auto store = [&](OpBuilder &sb, Location sl, Value row, Value col,
                     Value lanes, Value valid) {
      IndexMath sm{sb, sl};
      // out[n, col + l, r] = flat[(n * f + col) * plane + r + l * plane]
      Value n = sm.div(row, plane), r = sm.rem(row, plane);
      Value base = sm.add(sm.mul(sm.add(sm.mul(n, f), col), plane), r);
      Value left = arith::SubIOp::create(sb, sl, sm.c(f), col);
      if (valid)
        left = arith::SelectOp::create(sb, sl, valid, left, sm.c(0));
      Value mask =
          vector::CreateMaskOp::create(sb, sl, maskType, ValueRange{left});
      vector::ScatterOp::create(sb, sl, Type(), flat, ValueRange{base}, offsets,
                                mask, lanes);
    };
    // Planes of a multiple of 4 pixels hold whole tiles: with all 16
    // channels of a column tile valid and 8-bit results, the 4 x 16 result
    // bytes are transposed (one shuffle) and each channel's 4 consecutive
    // pixels stored at once, instead of 4 scatters.
    auto storeTile = [&](OpBuilder &sb, Location sl, Value row0, Value col,
                         ArrayRef<Value> lanes) {
      IndexMath sm{sb, sl};
      int64_t count = lanes.size();
      Value all =
          vector::ShuffleOp::create(sb, sl, lanes[0], lanes[1],
                                    llvm::to_vector(llvm::seq<int64_t>(0, 32)));
      Value rest =
          vector::ShuffleOp::create(sb, sl, lanes[2], lanes[3],
                                    llvm::to_vector(llvm::seq<int64_t>(0, 32)));
      all = vector::ShuffleOp::create(
          sb, sl, all, rest, llvm::to_vector(llvm::seq<int64_t>(0, 64)));
      SmallVector<int64_t> byChannel;
      for (int64_t ch = 0; ch < kLanes; ++ch)
        for (int64_t r = 0; r < count; ++r)
          byChannel.push_back(r * kLanes + ch);
      Value t = vector::ShuffleOp::create(sb, sl, all, all, byChannel);
      Value n = sm.div(row0, plane), r0 = sm.rem(row0, plane);
      for (int64_t ch = 0; ch < kLanes; ++ch) {
        Value pixels = vector::ExtractStridedSliceOp::create(
            sb, sl, t, ArrayRef<int64_t>{ch * count}, ArrayRef<int64_t>{count},
            ArrayRef<int64_t>{1});
        Value at =
            sm.add(sm.mul(sm.add(sm.mul(n, f), sm.add(col, ch)), plane), r0);
        vector::StoreOp::create(sb, sl, pixels, flat, ValueRange{at});
      }
    };
    bool tileStores = plane % (2 * kTilePairs) == 0 && f % kLanes == 0 &&
                      plan.gemm.outStorage.getWidth() == 8;
    std::optional<int64_t> staticRows;
    if (!outType.isDynamicDim(0))
      staticRows = outType.getDimSize(0) * plane;
    emitRowLoops(b, loc, plan, g, src, rows, staticRows, store,
                 tileStores ? TileStore(storeTile) : TileStore());
    b.replaceOp(op, resultTensor(b, loc, out, outType));
    return success();
  }
};

} // namespace

void qc::kernels::populateMmlaKernelPatterns(RewritePatternSet &patterns,
                                             SymbolTable &symbols,
                                             bool parallel) {
  patterns.add<FullyConnectedToMmla, Conv2DToMmla>(patterns.getContext(),
                                                   symbols, parallel);
}
