//===- RangeSelection.h - From statistics to ranges and quant params -*- C++
//-*-===//
//
// Range selection methods (minmax, moving_average, percentile, entropy, mse)
// and the affine quantization parameter choice used by scale propagation.
// Formulas and conventions: docs/StatsFormat.md.
//
//===----------------------------------------------------------------------===//
#ifndef QC_CALIBRATION_RANGESELECTION_H
#define QC_CALIBRATION_RANGESELECTION_H

#include "qc/Calibration/Statistics.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace qc::calib {

/// The integer grid values are quantized to.
struct QuantGrid {
  unsigned bits = 8;
  bool isSigned = true;
  /// Symmetric: zero point fixed (0 for signed, 2^(bits-1) for unsigned) and
  /// the range symmetric around 0. Asymmetric: zero point chosen from the
  /// range.
  bool symmetric = false;
  /// Narrow range drops the lowest code (-127..127 for signed 8-bit,
  /// 1..255 for unsigned 8-bit).
  bool narrowRange = false;

  int64_t qmin() const;
  int64_t qmax() const;
  /// Checks 2 <= bits <= 32 (1 <= bits for unsigned asymmetric grids is
  /// also refused: a 1-bit grid cannot hold a range).
  llvm::Error validate() const;
};

enum class Method { MinMax, MovingAverage, Percentile, Entropy, MSE };

/// "minmax", "moving_average", "percentile", "entropy", "mse".
llvm::StringRef stringifyMethod(Method method);
llvm::Expected<Method> parseMethod(llvm::StringRef name);

struct RangeParams {
  QuantGrid grid;
  /// Percentile method: fraction of the mass kept, in percent, (0, 100].
  double percentile = 99.99;
  /// Entropy method: bins the thresholds are searched in (over [0, amax] for
  /// |x| or one-sided data, over [min, max] for two-sided data), and the
  /// fewest bins above the first non-empty one a threshold keeps (scaled to
  /// each side's share of the bins for two-sided data).
  unsigned entropyBins = 2048;
  unsigned entropyStartBin = 128;
};

struct Range {
  double min = 0.0, max = 0.0;
  double absMax() const;
};

/// Selects the calibrated range of a tensor. With `params.grid.symmetric`
/// the result is [-a, a], a = max(|min|, |max|) of the method's range.
/// Percentile, entropy and mse need a histogram. Fails for a tensor without
/// finite values.
llvm::Expected<Range> selectRange(const TensorStats &stats, Method method,
                                  const RangeParams &params = {});

/// Same, looking `id` up in `table`; errors name the tensor.
llvm::Expected<Range> selectRange(const StatsTable &table, llvm::StringRef id,
                                  Method method,
                                  const RangeParams &params = {});

/// Per-channel min/max ranges (minmax over each channel); fails if the
/// statistics have no channel data or a channel saw no finite value. With
/// a symmetric grid every range is made symmetric.
llvm::Expected<std::vector<Range>> selectChannelRanges(const TensorStats &stats,
                                                       const QuantGrid &grid);

struct QuantParams {
  double scale = 1.0;
  int64_t zeroPoint = 0;
};

/// Standard affine parameters for [min, max] on `grid`:
///  * the range is first extended to contain 0;
///  * symmetric: zp = 0 (signed) or 2^(bits-1) (unsigned),
///    scale = max(|min|, |max|) / (qmax - zp);
///  * asymmetric: scale = (max - min) / (qmax - qmin),
///    zp = clamp(qmin - round_half_even(min / scale), qmin, qmax);
///  * a zero range (min == max == 0 after extension) gives scale = 1.0 and
///    the zero point above (asymmetric: clamp(0, qmin, qmax));
///  * scale is never below the smallest normal float (1.17549435e-38).
/// Fails for non-finite bounds, min > max or an invalid grid.
llvm::Expected<QuantParams> chooseQuantParams(double min, double max,
                                              const QuantGrid &grid);
llvm::Expected<QuantParams> chooseQuantParams(double min, double max,
                                              unsigned bits, bool isSigned,
                                              bool symmetric, bool narrowRange);

/// Expected squared error E[(x - dequant(quant(x)))^2] of the distribution in
/// `hist` (uniform density inside each bin, normalised by its total mass)
/// under parameters `qp` on `grid`, counting clipping and rounding error.
double expectedQuantError(const Histogram &hist, const QuantParams &qp,
                          const QuantGrid &grid);

} // namespace qc::calib

#endif // QC_CALIBRATION_RANGESELECTION_H
