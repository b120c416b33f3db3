//===- Statistics.h - Calibration statistics and their collection -*- C++
//-*-===//
//
// Per-tensor statistics gathered while running a model on calibration data:
// global and moving-average min/max, a mergeable histogram, per-channel
// min/max and NaN/Inf counts. `StatsCollector` is fed one float buffer per
// observed tensor per batch (from the runner's JIT callback) and can merge the
// collector of another thread. Depends on llvm/Support only.
//
// See docs/StatsFormat.md for the semantics of every quantity.
//
//===----------------------------------------------------------------------===//
#ifndef QC_CALIBRATION_STATISTICS_H
#define QC_CALIBRATION_STATISTICS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qc::calib {

/// A histogram of `numBins()` equal-width bins over [lo, hi). Counts are
/// doubles so that histograms produced elsewhere (or re-binned
/// proportionally) can be represented; histograms built by the collector
/// only ever hold integers.
///
/// Histograms built by the collector live on a *canonical grid*: the bin
/// width is a power of two, w = 2^e, and bin i covers
/// [(base + i) * w, (base + i + 1) * w) for an integer `base`. Widening such a
/// histogram doubles w (and shifts `base`), which maps every old bin into
/// exactly one new bin, so merging across batches and threads never splits a
/// count and the final histogram depends only on the data, not on the order
/// in which batches arrived. Histograms with any other grid (read from a
/// file) are merged by distributing each bin's count proportionally to
/// overlap, after which they are canonical.
class Histogram {
public:
  Histogram() = default;

  /// Builds a histogram over [lo, hi) from explicit counts. Returns an error
  /// if lo/hi are not finite, lo >= hi, `bins` is empty or a count is
  /// negative or not finite.
  static llvm::Expected<Histogram> create(double lo, double hi,
                                          std::vector<double> bins);

  /// An empty (all-zero) canonical histogram of `numBins` bins covering the
  /// finite range [dataMin, dataMax]. `numBins` must be at least 2.
  static Histogram canonical(double dataMin, double dataMax, unsigned numBins);

  bool empty() const { return bins_.empty(); }
  size_t numBins() const { return bins_.size(); }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  double binWidth() const { return (hi_ - lo_) / double(bins_.size()); }
  double binLo(size_t i) const { return lo_ + double(i) * binWidth(); }
  llvm::ArrayRef<double> bins() const { return bins_; }
  double total() const;

  /// True when the grid is canonical (see the class comment).
  bool isCanonical() const { return canonical_; }

  /// Widens a canonical histogram so that it covers [dataMin, dataMax] (the
  /// union of everything it must hold): bins are coarsened by a power of two
  /// as needed; counts are kept exactly. No-op if already covered with the
  /// minimal width. Must only be called on canonical histograms.
  void coverCanonical(double dataMin, double dataMax);

  /// Adds `other` to this histogram. The result covers both ranges. Exact
  /// when both are canonical; otherwise counts of non-aligned bins are split
  /// proportionally to overlap (uniform density within a bin). The total
  /// count is preserved in every case. [dataMin, dataMax], when given, is
  /// the extent of the values both histograms hold; it picks the same grid
  /// the collector would have picked had it seen all values itself.
  void merge(const Histogram &other, double dataMin = NAN,
             double dataMax = NAN);

  /// Re-bins this histogram onto `numBins` equal bins over [lo, hi),
  /// assuming a uniform density within each source bin. Mass outside
  /// [lo, hi) is added to the first/last bin.
  std::vector<double> rebin(double lo, double hi, size_t numBins) const;

  /// Index of the bin holding `x` on a canonical grid (no range check).
  int64_t canonicalIndex(double x) const;

  /// Canonical-grid internals, used by the collector's binning loop.
  int exponent() const { return exp_; }
  int64_t base() const { return base_; }
  double *mutableBins() { return bins_.data(); }

private:
  void setCanonical(int exp, int64_t base, size_t numBins);
  static bool detectCanonical(double lo, double hi, size_t numBins, int &exp,
                              int64_t &base);

  double lo_ = 0.0, hi_ = 0.0;
  std::vector<double> bins_;
  bool canonical_ = false;
  int exp_ = 0;
  int64_t base_ = 0;
};

/// Everything known about one observed tensor.
struct TensorStats {
  /// Number of finite values seen (the population of min/max/histogram).
  int64_t count = 0;
  /// Values excluded from every statistic.
  int64_t nanCount = 0;
  int64_t infCount = 0;
  /// Number of observations (batches) of this tensor.
  int64_t batches = 0;
  /// Number of batches that had at least one finite value; these are the
  /// batches that updated avgMin/avgMax.
  int64_t avgBatches = 0;

  /// Global min/max over finite values; +inf/-inf while count == 0.
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  /// Moving average of per-batch min/max (valid while avgBatches > 0).
  double avgMin = 0.0, avgMax = 0.0;

  /// Distribution of the finite values; empty if histograms are disabled.
  Histogram histogram;

  /// Per-channel min/max along `axis` (present for weights). A channel that
  /// has seen no finite value holds +inf/-inf.
  std::optional<int64_t> axis;
  std::vector<double> channelMin, channelMax;

  bool hasFiniteValues() const { return count > 0; }

  /// Adds `other` (another thread's or file's statistics of the same
  /// tensor). Counts, min/max, histograms and channel ranges merge exactly;
  /// moving averages are combined as the avgBatches-weighted mean (a running
  /// average over interleaved batches cannot be recovered exactly). Fails if
  /// the channel axes or channel counts differ.
  llvm::Error merge(const TensorStats &other);
};

/// The contents of a statistics file (and of a collector).
struct StatsTable {
  /// Number of calibration batches run and samples (e.g. images) in them.
  int64_t batches = 0;
  int64_t samples = 0;
  /// Statistics keyed by the observer's identifier; ordered for stable files.
  std::map<std::string, TensorStats, std::less<>> tensors;
  /// Where the table came from (file name), used in error messages.
  std::string source = "<memory>";

  /// The statistics of `id`, or the error
  /// "statistics for tensor 'X' are missing from SOURCE".
  llvm::Expected<const TensorStats &> lookup(llvm::StringRef id) const;
};

struct CollectorOptions {
  /// Histogram bins per tensor; 0 disables histograms (then percentile,
  /// entropy and mse cannot be used).
  unsigned numBins = 2048;
  /// Moving-average constant c: avg = avg + c * (batch - avg).
  double averagingConstant = 0.01;
};

/// Accumulates statistics per tensor id. Not thread-safe: give each thread
/// its own collector and `merge` them afterwards.
class StatsCollector {
public:
  explicit StatsCollector(CollectorOptions options = {});

  /// Records one batch of the tensor `id`: `data` holds the product of
  /// `shape` floats in row-major order. With `channelAxis` (negative counts
  /// from the end) per-channel min/max are gathered along that axis as well.
  /// Fails on negative dimensions, a bad axis, or a channel axis/count that
  /// differs from earlier batches of the same tensor.
  llvm::Error observe(llvm::StringRef id, const float *data,
                      llvm::ArrayRef<int64_t> shape,
                      std::optional<int64_t> channelAxis = std::nullopt);

  /// Counts one calibration batch of `samples` samples (file-level
  /// "batches"/"samples").
  void recordBatch(int64_t samples);

  /// Adds everything `other` collected (see TensorStats::merge).
  llvm::Error merge(const StatsCollector &other);

  const StatsTable &table() const { return table_; }
  StatsTable &table() { return table_; }
  const CollectorOptions &options() const { return options_; }

private:
  CollectorOptions options_;
  StatsTable table_;
  // Scratch reused across calls: 4 interleaved count lanes per histogram bin
  // (breaks store-to-load dependencies when many values share a bin) and
  // per-channel accumulators.
  std::vector<uint32_t> lanes_;
  std::vector<float> chanMin_, chanMax_;
};

} // namespace qc::calib

#endif // QC_CALIBRATION_STATISTICS_H
