//===- RangeSelection.cpp - Calibration range methods ---------------------===//
//
// Every histogram-based method sees the distribution as piecewise uniform:
// each bin's count spread evenly over the bin, with the first and last
// occupied bins trimmed to the observed [min, max]. Formulas are in
// docs/StatsFormat.md.
//
//===----------------------------------------------------------------------===//
#include "qc/Calibration/RangeSelection.h"

#include "FormatUtil.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

using namespace qc::calib;
using qc::calib::detail::fmtNum;

//===----------------------------------------------------------------------===//
// Grid and quantization parameters
//===----------------------------------------------------------------------===//

int64_t QuantGrid::qmin() const {
  int64_t q = isSigned ? -(int64_t(1) << (bits - 1)) : 0;
  return narrowRange ? q + 1 : q;
}

int64_t QuantGrid::qmax() const {
  return isSigned ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
}

llvm::Error QuantGrid::validate() const {
  if (bits < 2 || bits > 32)
    return llvm::createStringError(llvm::formatv(
        "quantization bit width {0} is outside the supported 2..32", bits));
  return llvm::Error::success();
}

double Range::absMax() const {
  return std::max(std::fabs(min), std::fabs(max));
}

llvm::Expected<QuantParams>
qc::calib::chooseQuantParams(double min, double max, const QuantGrid &grid) {
  if (llvm::Error err = grid.validate())
    return std::move(err);
  if (!std::isfinite(min) || !std::isfinite(max))
    return llvm::createStringError(llvm::formatv(
        "range [{0}, {1}] is not finite", fmtNum(min), fmtNum(max)));
  if (min > max)
    return llvm::createStringError(llvm::formatv(
        "range min {0} is above max {1}", fmtNum(min), fmtNum(max)));
  double lo = std::min(min, 0.0), hi = std::max(max, 0.0);
  int64_t qmin = grid.qmin(), qmax = grid.qmax();
  QuantParams qp;
  if (grid.symmetric) {
    qp.zeroPoint = grid.isSigned ? 0 : int64_t(1) << (grid.bits - 1);
    double amax = std::max(-lo, hi);
    qp.scale = amax > 0 ? amax / double(qmax - qp.zeroPoint) : 1.0;
  } else if (hi == lo) {
    qp.zeroPoint = std::clamp<int64_t>(0, qmin, qmax);
    qp.scale = 1.0;
  } else {
    qp.scale = (hi - lo) / double(qmax - qmin);
  }
  qp.scale = std::max(qp.scale, double(FLT_MIN));
  if (!grid.symmetric && hi != lo) {
    // qmin - round(lo / s), rounding lo / s itself (as PyTorch does) so that
    // ties do not depend on the parity of qmin.
    double zp = double(qmin) - std::nearbyint(lo / qp.scale);
    qp.zeroPoint = int64_t(std::clamp(zp, double(qmin), double(qmax)));
  }
  return qp;
}

llvm::Expected<QuantParams>
qc::calib::chooseQuantParams(double min, double max, unsigned bits,
                             bool isSigned, bool symmetric, bool narrowRange) {
  QuantGrid grid;
  grid.bits = bits;
  grid.isSigned = isSigned;
  grid.symmetric = symmetric;
  grid.narrowRange = narrowRange;
  return chooseQuantParams(min, max, grid);
}

llvm::StringRef qc::calib::stringifyMethod(Method method) {
  switch (method) {
  case Method::MinMax:
    return "minmax";
  case Method::MovingAverage:
    return "moving_average";
  case Method::Percentile:
    return "percentile";
  case Method::Entropy:
    return "entropy";
  case Method::MSE:
    return "mse";
  }
  return "unknown";
}

llvm::Expected<Method> qc::calib::parseMethod(llvm::StringRef name) {
  std::optional<Method> m = llvm::StringSwitch<std::optional<Method>>(name)
                                .Case("minmax", Method::MinMax)
                                .Case("moving_average", Method::MovingAverage)
                                .Case("percentile", Method::Percentile)
                                .Case("entropy", Method::Entropy)
                                .Case("mse", Method::MSE)
                                .Default(std::nullopt);
  if (!m)
    return llvm::createStringError(
        "unknown calibration method '" + name +
        "' (expected minmax, moving_average, percentile, entropy or mse)");
  return *m;
}

//===----------------------------------------------------------------------===//
// Piecewise-uniform distribution
//===----------------------------------------------------------------------===//

namespace {
/// Occupied bins as disjoint, increasing supports [lo, hi] with their mass;
/// lo == hi is a point mass.
struct Dist {
  std::vector<double> lo, hi, mass, cum; // cum[i]: mass of pieces before i
  double total = 0.0;

  static Dist fromHistogram(const Histogram &h, double dmin, double dmax) {
    Dist d;
    double w = h.binWidth();
    for (size_t i = 0; i < h.numBins(); ++i) {
      double m = h.bins()[i];
      if (m == 0.0)
        continue;
      double l = h.binLo(i), r = l + w;
      l = std::clamp(l, dmin, dmax);
      r = std::clamp(r, dmin, dmax);
      d.lo.push_back(l);
      d.hi.push_back(r);
      d.mass.push_back(m);
      d.cum.push_back(d.total);
      d.total += m;
    }
    return d;
  }

  /// Mass of the values <= x.
  double below(double x) const {
    // First piece whose support ends after x.
    size_t i = size_t(std::upper_bound(hi.begin(), hi.end(), x) - hi.begin());
    // Pieces before i end at or before x; a point mass at x counts as well.
    if (i == lo.size())
      return total;
    double m = cum[i];
    if (x >= lo[i] && hi[i] > lo[i])
      m += mass[i] * (x - lo[i]) / (hi[i] - lo[i]);
    return m;
  }

  /// Mass of |x| <= t (t >= 0).
  double absBelow(double t) const {
    return below(t) - below(std::nextafter(-t, -INFINITY));
  }

  /// Smallest x with below(x) >= target (piecewise-linear inverse).
  double quantile(double target) const {
    for (size_t i = 0; i < lo.size(); ++i) {
      if (cum[i] + mass[i] >= target) {
        if (hi[i] == lo[i])
          return lo[i];
        double f = std::clamp((target - cum[i]) / mass[i], 0.0, 1.0);
        return lo[i] + f * (hi[i] - lo[i]);
      }
    }
    return hi.empty() ? 0.0 : hi.back();
  }

  /// Smallest t in [0, amax] with absBelow(t) >= target, by bisection.
  double absQuantile(double target, double amax) const {
    double a = 0.0, b = amax;
    if (absBelow(0.0) >= target)
      return 0.0;
    for (int it = 0; it < 200 && b - a > amax * 1e-15; ++it) {
      double mid = 0.5 * (a + b);
      if (absBelow(mid) >= target)
        b = mid;
      else
        a = mid;
    }
    return b;
  }
};

// g(z) = integral over [-1/2, z] of (t - round(t))^2 dt (up to a constant).
double sawtoothIntegral(double z) {
  double zs = z + 0.5;
  double n = std::floor(zs);
  double r = zs - n - 0.5; // in [-1/2, 1/2)
  return n / 12.0 + (r * r * r + 0.125) / 3.0;
}

// Integral of the squared quantization error over [a, b] (a < b), with
// representable interval [L, H] and step s.
double errorIntegral(double a, double b, double L, double H, double s) {
  double e = 0.0;
  if (a < L) {
    double c = std::min(b, L);
    e += (std::pow(L - a, 3) - std::pow(L - c, 3)) / 3.0;
  }
  if (b > H) {
    double c = std::max(a, H);
    e += (std::pow(b - H, 3) - std::pow(c - H, 3)) / 3.0;
  }
  double u = std::max(a, L), v = std::min(b, H);
  if (u < v)
    e += s * s * s * (sawtoothIntegral(v / s) - sawtoothIntegral(u / s));
  return e;
}

double pointError(double x, double L, double H, double s) {
  if (x <= L)
    return (x - L) * (x - L);
  if (x >= H)
    return (x - H) * (x - H);
  double d = x - s * std::nearbyint(x / s);
  return d * d;
}

double distError(const Dist &d, const QuantParams &qp, const QuantGrid &grid) {
  if (d.total <= 0)
    return 0.0;
  double s = qp.scale;
  double L = double(grid.qmin() - qp.zeroPoint) * s;
  double H = double(grid.qmax() - qp.zeroPoint) * s;
  double err = 0.0;
  for (size_t i = 0; i < d.lo.size(); ++i) {
    double a = d.lo[i], b = d.hi[i], m = d.mass[i];
    if (b > a)
      err += m / (b - a) * errorIntegral(a, b, L, H, s);
    else
      err += m * pointError(a, L, H, s);
  }
  return err / d.total;
}

llvm::Error needsHistogram(const TensorStats &stats, Method method) {
  if (stats.histogram.empty() || stats.histogram.total() <= 0)
    return llvm::createStringError(
        "method '" + stringifyMethod(method) +
        "' needs a histogram, and these statistics have none");
  return llvm::Error::success();
}

// Sum over the first i bins of P_j ln(P_j / Q_j), P and Q unnormalised, for
// the one-sided histogram `h` (suffix[j] = sum of h[j..]) clipped after i
// bins into `levels` integer codes (TensorRT's calibration):
//  * P: h[0..i), with the clipped mass suffix[i] added to the last bin;
//  * Q: h[0..i) merged into min(levels, i) groups (bin j goes to group
//    floor(j g / i)), each group's mass spread over its non-empty bins
//    (empty bins stay empty).
// +inf when some Q_j = 0 < P_j (clipped mass landing on an empty last bin).
// With T = P's total mass and K = Q's, the normalised divergence is
// KL(P || Q) = term / T + ln(K / T).
double entropyTerm(const std::vector<double> &h,
                   const std::vector<double> &suffix, size_t i, size_t levels,
                   std::vector<double> &groupMass,
                   std::vector<double> &groupNonZero) {
  size_t g = std::min(levels, i);
  groupMass.assign(g, 0.0);
  groupNonZero.assign(g, 0.0);
  for (size_t j = 0; j < i; ++j) {
    size_t k = j * g / i;
    groupMass[k] += h[j];
    groupNonZero[k] += h[j] != 0.0 ? 1.0 : 0.0;
  }
  double term = 0.0;
  for (size_t j = 0; j < i; ++j) {
    double p = h[j] + (j == i - 1 ? suffix[i] : 0.0);
    if (p == 0.0)
      continue;
    if (h[j] == 0.0)
      return std::numeric_limits<double>::infinity();
    size_t k = j * g / i;
    term += p * std::log(p / (groupMass[k] / groupNonZero[k]));
  }
  return term;
}

std::vector<double> suffixSums(const std::vector<double> &h) {
  std::vector<double> suffix(h.size() + 1, 0.0);
  for (size_t j = h.size(); j-- > 0;)
    suffix[j] = suffix[j + 1] + h[j];
  return suffix;
}

// One side of the entropy search: the histogram of x (or -x, or |x|) on
// bins of width w starting at 0, the zero spike levelled, and the first
// threshold (in bins) tried.
struct EntropySide {
  std::vector<double> h, suffix;
  size_t start = 0;

  size_t size() const { return h.size(); }
  double total() const { return suffix[0]; }
  /// Mass kept by a threshold of i bins.
  double kept(size_t i) const { return suffix[0] - suffix[i]; }

  // `mass(t)` is the mass of the side's values below t (t >= 0); `spike`
  // the number of leading bins overlapped by the stored bin holding 0;
  // `startBins` the smallest number of bins, above the first non-empty one,
  // a threshold keeps.
  template <typename MassFn>
  static EntropySide build(MassFn mass, double w, size_t n, double sideTotal,
                           size_t spike, size_t startBins) {
    EntropySide s;
    s.h.resize(n);
    double prev = 0.0;
    for (size_t j = 0; j < n; ++j) {
      double cur = j + 1 == n ? sideTotal : mass(w * double(j + 1));
      s.h[j] = std::max(0.0, cur - prev);
      prev = std::max(prev, cur);
    }
    // Exact zeros (half of a post-ReLU tensor) form a spike in the first
    // bins; it would dominate the divergence and drag the threshold down,
    // so those bins are levelled to the next one (NVIDIA's reference
    // entropy calibrator levels bin 0 the same way).
    spike = std::min(spike, std::max<size_t>(n / 16, 1));
    if (spike < n)
      for (size_t j = 0; j < spike; ++j)
        s.h[j] = s.h[spike];
    s.suffix = suffixSums(s.h);
    size_t first = 0;
    while (first < n && s.h[first] == 0.0)
      ++first;
    // Thresholds keep at least `startBins` bins of the data: with fewer,
    // a tensor away from 0 could be clipped into one bin, which P and Q
    // then agree on exactly.
    s.start = std::clamp<size_t>(first + startBins, 1, n);
    return s;
  }
};

// Number of bins of width w that the stored bin holding 0 overlaps on the
// positive (`positive`) or negative side of 0.
size_t zeroSpikeBins(const Histogram &src, double w, bool positive) {
  double k = std::floor((0.0 - src.lo()) / src.binWidth());
  if (!(k >= 0 && k < double(src.numBins())))
    return 0;
  double l = src.binLo(size_t(k)), r = l + src.binWidth();
  double extent = positive ? r : -l;
  return extent > 0 ? size_t(std::ceil(extent / w)) : 0;
}

// TensorRT's search on one histogram: the threshold i (in bins) with the
// smallest KL(P || Q), the first on ties.
size_t entropySearchOneSided(const EntropySide &s, size_t levels) {
  std::vector<double> gm, gn;
  double total = s.total();
  double bestKL = std::numeric_limits<double>::infinity();
  size_t best = s.size();
  for (size_t i = std::max(s.start, std::min(levels, s.size()));
       i <= s.size(); ++i) {
    double k = s.kept(i);
    if (!(k > 0))
      continue;
    double kl = entropyTerm(s.h, s.suffix, i, levels, gm, gn) / total +
                std::log(k / total);
    if (kl < bestKL) {
      bestKL = kl;
      best = i;
    }
  }
  return best;
}

// Two-sided data on an asymmetric grid: thresholds (in bins) on the negative
// and the positive side, minimising the divergence of the signed histogram.
// The `levels` codes are shared by the two sides in proportion to their
// clipped extents; each side's Q merges its bins into its own codes.
// Coordinate descent from the full range: the best positive threshold for
// the current negative one, then the reverse, until neither improves.
std::pair<size_t, size_t> entropySearchTwoSided(const EntropySide &neg,
                                                const EntropySide &pos,
                                                size_t levels) {
  const EntropySide *side[2] = {&neg, &pos};
  size_t cur[2] = {neg.size(), pos.size()};
  double total = neg.total() + pos.total();
  std::vector<double> gm, gn;
  // Codes of the side clipped after i bins when the other keeps `other`.
  auto split = [&](size_t i, size_t other) {
    double l = std::nearbyint(double(levels) * double(i) / double(i + other));
    return std::clamp<size_t>(size_t(l), 1, levels - 1);
  };
  auto divergence = [&](double termA, double termB, double kept) {
    return (termA + termB) / total + std::log(kept / total);
  };
  double best = std::numeric_limits<double>::infinity();
  {
    size_t ln = split(cur[0], cur[1]), lp = levels - ln;
    best = divergence(entropyTerm(neg.h, neg.suffix, cur[0], ln, gm, gn),
                      entropyTerm(pos.h, pos.suffix, cur[1], lp, gm, gn),
                      total);
  }
  for (int round = 0; round < 16; ++round) {
    bool moved = false;
    for (int a : {1, 0}) {
      const EntropySide &s = *side[a], &o = *side[1 - a];
      size_t other = cur[1 - a];
      // The other side's term depends only on its share of the codes.
      std::vector<double> otherTerm(levels + 1, NAN);
      double bestHere = best;
      size_t bestI = cur[a];
      for (size_t i = s.start; i <= s.size(); ++i) {
        double kept = s.kept(i) + o.kept(other);
        if (!(kept > 0))
          continue;
        size_t l = split(i, other), lo = levels - l;
        if (std::isnan(otherTerm[lo]))
          otherTerm[lo] = entropyTerm(o.h, o.suffix, other, lo, gm, gn);
        double kl = divergence(entropyTerm(s.h, s.suffix, i, l, gm, gn),
                               otherTerm[lo], kept);
        if (kl < bestHere) {
          bestHere = kl;
          bestI = i;
        }
      }
      if (bestI != cur[a]) {
        cur[a] = bestI;
        best = bestHere;
        moved = true;
      }
    }
    if (!moved)
      break;
  }
  return {cur[0], cur[1]};
}

llvm::Expected<Range> selectEntropy(const TensorStats &stats,
                                    const RangeParams &params) {
  const QuantGrid &grid = params.grid;
  double amax = std::max(std::fabs(stats.min), std::fabs(stats.max));
  if (amax == 0)
    return Range{stats.min, stats.max};
  int64_t qmin = grid.qmin(), qmax = grid.qmax();
  bool oneSided = stats.min >= 0 || stats.max <= 0;
  // Codes that cover [0, t] (symmetric grid) or the whole range.
  size_t levels =
      grid.symmetric
          ? size_t(qmax - (grid.isSigned ? 0 : int64_t(1) << (grid.bits - 1)) +
                   1)
          : size_t(qmax - qmin + 1);
  size_t n = params.entropyBins;
  if (n < levels)
    return llvm::createStringError(llvm::formatv(
        "entropy method needs at least {0} bins for a {1}-bit grid, got {2}",
        levels, grid.bits, n));
  Dist d = Dist::fromHistogram(stats.histogram, stats.min, stats.max);
  const Histogram &src = stats.histogram;
  size_t startBins = params.entropyStartBin;

  if (grid.symmetric || oneSided) {
    // One histogram on n bins over [0, amax]: of |x| on a symmetric grid,
    // of x (or -x) for one-sided data.
    double w = amax / double(n);
    bool negative = !grid.symmetric && stats.max <= 0;
    auto mass = [&](double t) {
      if (grid.symmetric)
        return d.absBelow(t);
      return negative ? d.total - d.below(std::nextafter(-t, -INFINITY))
                      : d.below(t);
    };
    size_t spike = grid.symmetric
                       ? std::max(zeroSpikeBins(src, w, true),
                                  zeroSpikeBins(src, w, false))
                       : zeroSpikeBins(src, w, !negative);
    EntropySide s = EntropySide::build(mass, w, n, d.total,
                                       std::max<size_t>(spike, 1), startBins);
    double t = amax * double(entropySearchOneSided(s, levels)) / double(n);
    if (grid.symmetric)
      return Range{-t, t};
    // The grid holds 0 exactly; the other end is the threshold.
    return negative ? Range{std::max(-t, stats.min), 0.0}
                    : Range{0.0, std::min(t, stats.max)};
  }

  // Two-sided data on an asymmetric grid: a histogram per side, both on
  // bins of width w = (max - min) / n starting at 0. Mass at exactly 0 is
  // on the positive side.
  double w = (stats.max - stats.min) / double(n);
  size_t nPos = std::max<size_t>(1, size_t(std::ceil(stats.max / w)));
  size_t nNeg = std::max<size_t>(1, size_t(std::ceil(-stats.min / w)));
  double negTotal = d.below(std::nextafter(0.0, -INFINITY));
  double posTotal = d.total - negTotal;
  EntropySide pos = EntropySide::build(
      [&](double t) {
        return d.below(std::nextafter(t, -INFINITY)) - negTotal;
      },
      w, nPos, posTotal, std::max<size_t>(zeroSpikeBins(src, w, true), 1),
      size_t(std::ceil(double(startBins) * double(nPos) / double(n))));
  EntropySide neg = EntropySide::build(
      [&](double t) {
        return negTotal - d.below(std::nextafter(-t, -INFINITY));
      },
      w, nNeg, negTotal, zeroSpikeBins(src, w, false),
      size_t(std::ceil(double(startBins) * double(nNeg) / double(n))));
  auto [iNeg, iPos] = entropySearchTwoSided(neg, pos, levels);
  return Range{std::max(-w * double(iNeg), stats.min),
               std::min(w * double(iPos), stats.max)};
}

// Minimises err(x) over x in (0, limit] on a grid of `steps` points, then
// refines around the best point.
template <typename Fn>
double searchMinimum(double limit, Fn err, double &bestErr) {
  constexpr int kCoarse = 256, kFine = 64;
  double best = limit;
  bestErr = err(limit);
  for (int k = 1; k < kCoarse; ++k) {
    double x = limit * double(k) / kCoarse;
    double e = err(x);
    if (e < bestErr) {
      bestErr = e;
      best = x;
    }
  }
  double step = limit / kCoarse;
  double a = std::max(best - step, step / kFine),
         b = std::min(best + step, limit);
  for (int k = 0; k <= 2 * kFine; ++k) {
    double x = a + (b - a) * double(k) / (2 * kFine);
    double e = err(x);
    if (e < bestErr) {
      bestErr = e;
      best = x;
    }
  }
  return best;
}

llvm::Expected<Range> selectMSE(const TensorStats &stats, const Dist &dist,
                                const QuantGrid &grid) {
  auto errorOf = [&](double lo, double hi) {
    auto qp = chooseQuantParams(lo, hi, grid);
    if (!qp) {
      llvm::consumeError(qp.takeError());
      return std::numeric_limits<double>::infinity();
    }
    return distError(dist, *qp, grid);
  };
  double mn = stats.min, mx = stats.max;
  if (mn == mx || (mn >= 0 && mx == 0) || (mx <= 0 && mn == 0))
    return Range{mn, mx};
  double e;
  if (grid.symmetric) {
    double amax = std::max(std::fabs(mn), std::fabs(mx));
    double t = searchMinimum(
        amax, [&](double t) { return errorOf(-t, t); }, e);
    return Range{-t, t};
  }
  if (mn >= 0) {
    double hi = searchMinimum(
        mx, [&](double h) { return errorOf(mn, h); }, e);
    return Range{std::min(mn, hi), hi};
  }
  if (mx <= 0) {
    double lo = -searchMinimum(
        -mn, [&](double l) { return errorOf(-l, mx); }, e);
    return Range{lo, std::max(mx, lo)};
  }
  // Two-sided asymmetric: coordinate descent on (lo, hi).
  double lo = mn, hi = mx, cur = errorOf(lo, hi);
  for (int round = 0; round < 8; ++round) {
    double eHi, eLo;
    double newHi = searchMinimum(
        mx, [&](double h) { return errorOf(lo, h); }, eHi);
    double newLo = -searchMinimum(
        -mn, [&](double l) { return errorOf(-l, newHi); }, eLo);
    if (!(eLo < cur * (1 - 1e-9)))
      break;
    cur = eLo;
    lo = newLo;
    hi = newHi;
  }
  return Range{lo, hi};
}
} // namespace

double qc::calib::expectedQuantError(const Histogram &hist,
                                     const QuantParams &qp,
                                     const QuantGrid &grid) {
  return distError(Dist::fromHistogram(hist, -INFINITY, INFINITY), qp, grid);
}

//===----------------------------------------------------------------------===//
// Range selection
//===----------------------------------------------------------------------===//

llvm::Expected<Range> qc::calib::selectRange(const TensorStats &stats,
                                             Method method,
                                             const RangeParams &params) {
  if (llvm::Error err = params.grid.validate())
    return std::move(err);
  if (!stats.hasFiniteValues())
    return llvm::createStringError(llvm::formatv(
        "statistics hold no finite value ({0} NaN and {1} infinite values "
        "were excluded)",
        stats.nanCount, stats.infCount));
  if (!std::isfinite(stats.min) || !std::isfinite(stats.max) ||
      stats.min > stats.max)
    return llvm::createStringError(
        llvm::formatv("statistics have an invalid range [{0}, {1}]",
                      fmtNum(stats.min), fmtNum(stats.max)));

  Range r{stats.min, stats.max};
  double amax = std::max(std::fabs(stats.min), std::fabs(stats.max));
  switch (method) {
  case Method::MinMax:
    break;
  case Method::MovingAverage:
    if (stats.avgBatches == 0)
      return llvm::createStringError(
          "method 'moving_average' needs averaged min/max, and these "
          "statistics have none");
    r = {stats.avgMin, stats.avgMax};
    break;
  case Method::Percentile: {
    if (llvm::Error err = needsHistogram(stats, method))
      return std::move(err);
    double p = params.percentile;
    if (!(p > 0 && p <= 100))
      return llvm::createStringError(llvm::formatv(
          "percentile {0} is outside (0, 100]", fmtNum(params.percentile)));
    Dist d = Dist::fromHistogram(stats.histogram, stats.min, stats.max);
    double keep = p / 100.0;
    if (params.grid.symmetric) {
      double t = d.absQuantile(keep * d.total, amax);
      r = {-t, t};
    } else {
      r.min = d.quantile((1.0 - keep) * d.total);
      r.max = d.quantile(keep * d.total);
    }
    break;
  }
  case Method::Entropy: {
    if (llvm::Error err = needsHistogram(stats, method))
      return std::move(err);
    auto e = selectEntropy(stats, params);
    if (!e)
      return e.takeError();
    r = *e;
    break;
  }
  case Method::MSE: {
    if (llvm::Error err = needsHistogram(stats, method))
      return std::move(err);
    Dist d = Dist::fromHistogram(stats.histogram, stats.min, stats.max);
    auto mse = selectMSE(stats, d, params.grid);
    if (!mse)
      return mse.takeError();
    r = *mse;
    break;
  }
  }
  if (params.grid.symmetric) {
    double a = r.absMax();
    r = {-a, a};
  }
  return r;
}

llvm::Expected<Range> qc::calib::selectRange(const StatsTable &table,
                                             llvm::StringRef id, Method method,
                                             const RangeParams &params) {
  auto stats = table.lookup(id);
  if (!stats)
    return stats.takeError();
  auto r = selectRange(*stats, method, params);
  if (!r)
    return llvm::createStringError("tensor '" + id + "' in " + table.source +
                                   ": " + llvm::toString(r.takeError()));
  return r;
}

llvm::Expected<std::vector<Range>>
qc::calib::selectChannelRanges(const TensorStats &stats,
                               const QuantGrid &grid) {
  if (!stats.axis || stats.channelMin.empty())
    return llvm::createStringError("statistics have no per-channel data");
  std::vector<Range> out;
  out.reserve(stats.channelMin.size());
  for (size_t c = 0; c < stats.channelMin.size(); ++c) {
    double lo = stats.channelMin[c], hi = stats.channelMax[c];
    if (!std::isfinite(lo) || !std::isfinite(hi) || lo > hi)
      return llvm::createStringError(llvm::formatv(
          "channel {0} (axis {1}) saw no finite value", c, *stats.axis));
    Range r{lo, hi};
    if (grid.symmetric)
      r = {-r.absMax(), r.absMax()};
    out.push_back(r);
  }
  return out;
}
