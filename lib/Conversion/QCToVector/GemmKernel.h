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

#include "qc/Dialect/QC/IR/QCOps.h"

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

/// Index arithmetic on `index` values.
struct IndexMath {
  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Value c(int64_t v);
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value add(mlir::Value x, int64_t y) {
    return y == 0 ? x : add(x, c(y));
  }
  mlir::Value mul(mlir::Value x, int64_t y) {
    return y == 1 ? x : mul(x, c(y));
  }
  mlir::Value div(mlir::Value x, int64_t y);
  mlir::Value rem(mlir::Value x, int64_t y);
};

/// scf.for from lb to ub by `step` carrying `iterArgs`; `body` is built with
/// `b` positioned inside the loop and returns the yielded values.
llvm::SmallVector<mlir::Value>
forLoop(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lb, mlir::Value ub,
        int64_t step, mlir::ValueRange iterArgs,
        llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value,
                                                          mlir::ValueRange)>
            body);

/// A loop over the images of a batch. With `parallel`, an scf.parallel
/// (each image's packing writes its own part of the buffer) when the batch
/// has more than one image; a single image keeps the plain loop, whose
/// thread fork would cost about as much as packing a small image.
void batchLoop(mlir::OpBuilder &b, mlir::Location loc, mlir::Value batch,
               bool parallel, llvm::function_ref<void(mlir::Value)> body);

/// The padded NHWC input of a convolution: images of (h + top + bottom) x
/// (w + left + right) pixels of cp bytes, of which the packing (or the
/// producing kernel) writes the first `channels` bytes of the interior
/// pixels; every other byte holds `padByte`, the zero point's byte.
struct PackedLayout {
  int64_t h, w, cp, channels, padByte;
  llvm::SmallVector<int64_t, 4> pad; // top, left, bottom, right
  int64_t hp() const { return h + pad[0] + pad[2]; }
  int64_t wp() const { return w + pad[1] + pad[3]; }
  int64_t perImage() const { return hp() * wp() * cp; }
  // Pixels up to this size are filled with one vector store each; larger
  // ones (and only when channels < cp) take the whole-buffer fill.
  bool pixelFill() const { return cp <= 256; }
};

/// Allocates the packed input of `batch` images (rounded up to 64 bytes).
/// When the padding cannot be filled pixel by pixel (fillPadding), the
/// whole buffer is filled here, 64 bytes per store.
mlir::Value allocPackedInput(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value batch, const PackedLayout &l);

/// Fills the padding bytes of image `n`, one cp-byte store per pixel: only
/// the border pixels when the packing writes every byte of the interior
/// (channels == cp), every pixel otherwise.
void fillPadding(mlir::OpBuilder &b, mlir::Location loc, mlir::Value packed,
                 mlir::Value n, const PackedLayout &l);

/// Why the convolution `op` cannot have a kernel whatever its types:
/// grouped, or dynamic channel or spatial sizes.
mlir::LogicalResult checkConvKernelShape(Conv2DOp op, std::string &why);

} // namespace qc::kernels

#endif // QC_LIB_CONVERSION_QCTOVECTOR_GEMMKERNEL_H
