//===- QCToLinalg.h - Lower QC integer compute ops to linalg ----*- C++ -*-===//
#ifndef QC_CONVERSION_QCTOLINALG_QCTOLINALG_H
#define QC_CONVERSION_QCTOLINALG_QCTOLINALG_H

#include "mlir/IR/PatternMatch.h"

#include <string>

namespace qc {

/// Patterns that rewrite qc.conv2d / fully_connected / matmul / add /
/// avg_pool2d into linalg on storage integers, with the requantization left
/// as qc.requantize (lowered by qc-lower-quant). See docs/IntegerOps.md.
void populateLowerIntegerOpsPatterns(mlir::RewritePatternSet &patterns);

/// Checks that the integer compute op `op` can be lowered by the patterns
/// above; on failure `why` says what stands in the way.
mlir::LogicalResult checkIntegerOpLowerable(mlir::Operation *op,
                                            std::string &why);

} // namespace qc

#endif // QC_CONVERSION_QCTOLINALG_QCTOLINALG_H
