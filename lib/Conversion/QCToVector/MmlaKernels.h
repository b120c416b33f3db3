//===- MmlaKernels.h - AArch64 i8mm matrix-multiply kernels -----*- C++ -*-===//
//
// The kernels of qc-vectorize-integer-ops{isa=neon-i8mm}: register tiles of
// qc.mmla_u8s8 (usmmla, 2 x 8 by 8 x 2 bytes into a 2 x 2 i32 block) on
// weights packed at compile time and activations packed two rows at a time
// (docs/Microkernels.md, "Matrix-multiply kernels for i8mm").
//
//===----------------------------------------------------------------------===//
#ifndef QC_LIB_CONVERSION_QCTOVECTOR_MMLAKERNELS_H
#define QC_LIB_CONVERSION_QCTOVECTOR_MMLAKERNELS_H

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

namespace qc::kernels {

/// Adds the patterns that rewrite qc.fully_connected and qc.conv2d (groups =
/// 1) into the mmla kernels (what they do not take is left for the reference
/// lowering). Constant
/// globals go into `symbols`' module; `parallel` puts the row tiles into
/// scf.parallel loops.
void populateMmlaKernelPatterns(mlir::RewritePatternSet &patterns,
                                mlir::SymbolTable &symbols, bool parallel);

} // namespace qc::kernels

#endif // QC_LIB_CONVERSION_QCTOVECTOR_MMLAKERNELS_H
