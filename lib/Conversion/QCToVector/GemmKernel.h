//===- GemmKernel.h - Plan and epilogue of the GEMM kernels -----*- C++ -*-===//
//
// What qc-vectorize-integer-ops computes at compile time for a fully
// connected layer or a convolution (packed weights, folded bias, the
// per-channel requantization constants), the constant globals holding it,
// and the requantization epilogue on 16 consecutive output channels. The
// dot-product kernels (VectorizeIntegerOps.cpp) and the i8mm
// matrix-multiply kernels (MmlaKernels.cpp) share the epilogue.
//
//===----------------------------------------------------------------------===//
#ifndef QC_LIB_CONVERSION_QCTOVECTOR_GEMMKERNEL_H
#define QC_LIB_CONVERSION_QCTOVECTOR_GEMMKERNEL_H

#include "KernelSupport.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace qc::kernels {

constexpr int64_t kLanes = 16; // i32 lanes of a zmm register
constexpr int64_t kGroup = 4;  // bytes per lane per vpdpbusd

inline int64_t roundUp(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

/// Everything the kernel needs, computed at compile time.
struct GemmPlan {
  // Problem: rows x N over K = taps * Cp (Cp = C rounded up to 4).
  int64_t n = 0, c = 0, cp = 0, kh = 1, kw = 1;
  // Register tile: mr rows x nv vectors of 16 lanes.
  int64_t mr = 8, nv = 2;
  // Run the full row tiles as an scf.parallel (threads through OpenMP).
  bool parallel = true;
  int64_t nr() const { return nv * kLanes; }
  int64_t np() const { return roundUp(n, nr()); }
  int64_t kGroups() const { return kh * kw * cp / kGroup; }
  // Activation byte = storage + offset; the padded value.
  bool inputSigned = false;
  int64_t inputOffset = 0, zx = 0;
  // Weights of at most 4 bits are stored two per byte, offset by 8 (so
  // that a nibble is 0..15): each 64-byte weight vector becomes 32 bytes,
  // byte u holding byte u of the vector in its low nibble and byte u + 32
  // in its high nibble.
  bool nibbles = false;
  int64_t vectorBytes() const { return nibbles ? 32 : 64; }
  // Every packed weight is in [-64, 63]: the dot products get rhs_fits_i7
  // (AVX2 then uses vpmaddubsw, docs/Microkernels.md).
  bool weightsFitI7 = false;
  // Packed weights [np/nr][kGroups][nr][4] (halved for nibbles; the mmla
  // kernels put their own layout here), folded bias, requant params.
  llvm::SmallVector<int8_t> packed;
  llvm::SmallVector<int32_t> bias;
  ChannelRequant requant;
  int64_t zy = 0, lo = 0, hi = 0;
  mlir::IntegerType outStorage;
};

/// Emits the packed data of `plan` as private constant globals.
struct PlanGlobals {
  mlir::Value packed, bias, mult, shift, roundPos, roundNeg;
};

/// Whether the epilogue runs on the even and odd i32 lanes as two vectors of
/// i64 products (`vpmuldq` on the accumulator register itself) instead of
/// sign-extending each half: every shift is at least 32 (the result of a
/// lane fits in i32), the result has at most 16 bits and every multiplier
/// is positive (a product has the sign of its accumulator).
bool evenOddEpilogue(const GemmPlan &plan);

/// The globals of `plan` (weights, bias, multiplier, shift, rounding terms;
/// the shifts and rounding terms in the even/odd order of
/// evenOddEpilogue), named `prefix`_weights, ..., added to `module`.
PlanGlobals emitGlobals(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::ModuleOp module, mlir::SymbolTable &symbols,
                        const GemmPlan &plan, llvm::StringRef prefix);

/// The per-channel epilogue constants of 16 consecutive output channels,
/// loaded once per register tile.
struct EpilogueConstants {
  mlir::Value bias;                  // vector<16xi32>
  mlir::Value mult, shift, pos, neg; // i64 lanes; neg only with signed rounding
  // Even/odd form (evenOddEpilogue): the same for the 8 even channels and
  // the 8 odd ones, as vector<8xi64>.
  mlir::Value multOdd, shiftOdd, posOdd, negOdd;
};

/// The constants of channels [col, col + 16).
EpilogueConstants loadEpilogueConstants(mlir::OpBuilder &b, mlir::Location loc,
                                        const GemmPlan &plan,
                                        const PlanGlobals &g, mlir::Value col);

/// qc.requantize's integer formula on 16 accumulator lanes of 16
/// consecutive output channels: bias, the exact i64 product with the
/// channel's multiplier, the rounding term (by the sign when it differs),
/// the shift, the output zero point and the clamp; the result in the
/// output storage type.
mlir::Value requantizeLanes(mlir::OpBuilder &b, mlir::Location loc,
                            const GemmPlan &plan, const EpilogueConstants &ec,
                            mlir::Value accs);

} // namespace qc::kernels

#endif // QC_LIB_CONVERSION_QCTOVECTOR_GEMMKERNEL_H
