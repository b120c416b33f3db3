//===- Histogram.cpp - Mergeable histograms on power-of-two grids ---------===//
//
// A canonical histogram of n bins has width w = 2^e and covers
// [base * w, (base + n) * w). For the data extent [a, b] the collector uses
// the smallest e (not below the float resolution at max(|a|, |b|)) such that
// floor(b / w) - floor(a / w) <= n - 1, and base = floor(a / w). That choice
// is monotone in the extent, so a histogram widened batch after batch ends on
// the same grid as one built from all the data at once, and coarsening by
// 2^d maps bin index g to floor(g / 2^d) without splitting any count.
//
//===----------------------------------------------------------------------===//
#include "qc/Calibration/Statistics.h"

#include "FormatUtil.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace qc::calib;
using qc::calib::detail::fmtNum;

namespace {
// Bins are never narrower than 2^kMinExp (well below the smallest float).
constexpr int kMinExp = -160;

int64_t floorShift(int64_t v, int d) {
  if (d <= 0)
    return v;
  if (d >= 63)
    return v < 0 ? -1 : 0;
  // Arithmetic shift rounds towards -inf, i.e. floor division by 2^d.
  return v >> d;
}

int64_t floorIndex(double x, int exp) {
  return static_cast<int64_t>(std::floor(std::ldexp(x, -exp)));
}

// The smallest exponent e >= the resolution floor such that [lo, hi] fits in
// n bins of width 2^e aligned on multiples of 2^e.
int minimalExponent(double lo, double hi, size_t n) {
  double m = std::max(std::fabs(lo), std::fabs(hi));
  int exp = kMinExp;
  if (m > 0) {
    int e;
    (void)std::frexp(m, &e); // m = f * 2^e, f in [0.5, 1)
    // Float values near m are 2^(e-24) apart: finer bins would be empty.
    exp = std::max(e - 24, kMinExp);
  }
  double span = hi - lo;
  if (span > 0) {
    int es;
    (void)std::frexp(span / double(n - 1), &es); // 2^(es-1) <= span/(n-1)
    exp = std::max(exp, es - 1);
  }
  while (floorIndex(hi, exp) - floorIndex(lo, exp) > int64_t(n) - 1)
    ++exp;
  return exp;
}

// Adds `mass`, spread uniformly over [l, r), to `dst` (equal bins over
// [dlo, dlo + n * dw)); mass outside goes to the edge bins. The whole mass
// is always added.
void spread(double l, double r, double mass, double dlo, double dw,
            std::vector<double> &dst) {
  int64_t n = int64_t(dst.size());
  auto clampIdx = [&](double x) {
    double f = std::floor((x - dlo) / dw);
    if (!(f >= 0))
      return int64_t(0);
    if (f >= double(n - 1))
      return n - 1;
    return int64_t(f);
  };
  if (!(r > l)) {
    dst[clampIdx(l)] += mass;
    return;
  }
  int64_t j0 = clampIdx(l), j1 = clampIdx(std::nextafter(r, l));
  if (j0 == j1) {
    dst[j0] += mass;
    return;
  }
  double density = mass / (r - l), added = 0.0;
  for (int64_t j = j0; j < j1; ++j) {
    double edgeHi = j == n - 1 ? r : dlo + double(j + 1) * dw;
    double edgeLo = j == j0 ? l : dlo + double(j) * dw;
    double part =
        std::max(0.0, std::min(edgeHi, r) - std::max(edgeLo, l)) * density;
    dst[j] += part;
    added += part;
  }
  dst[j1] += std::max(0.0, mass - added);
}

// [first, last] indices of non-zero bins, or {-1, -1} if all are zero.
std::pair<int64_t, int64_t> occupied(llvm::ArrayRef<double> bins) {
  int64_t first = -1, last = -1;
  for (size_t i = 0; i < bins.size(); ++i) {
    if (bins[i] != 0.0) {
      if (first < 0)
        first = int64_t(i);
      last = int64_t(i);
    }
  }
  return {first, last};
}
} // namespace

llvm::Expected<Histogram> Histogram::create(double lo, double hi,
                                            std::vector<double> bins) {
  if (!std::isfinite(lo) || !std::isfinite(hi))
    return llvm::createStringError("histogram range must be finite");
  if (!(lo < hi))
    return llvm::createStringError(
        llvm::formatv("histogram range is empty: min {0} is not below max {1}",
                      fmtNum(lo), fmtNum(hi)));
  if (bins.empty())
    return llvm::createStringError("histogram has no bins");
  for (size_t i = 0; i < bins.size(); ++i) {
    if (!std::isfinite(bins[i]))
      return llvm::createStringError(
          llvm::formatv("histogram bin {0} is not a finite count", i));
    if (bins[i] < 0)
      return llvm::createStringError(llvm::formatv(
          "histogram bin {0} has a negative count ({1})", i, fmtNum(bins[i])));
  }
  Histogram h;
  h.lo_ = lo;
  h.hi_ = hi;
  h.bins_ = std::move(bins);
  int exp;
  int64_t base;
  if (detectCanonical(lo, hi, h.bins_.size(), exp, base)) {
    h.canonical_ = true;
    h.exp_ = exp;
    h.base_ = base;
  }
  return h;
}

bool Histogram::detectCanonical(double lo, double hi, size_t numBins, int &exp,
                                int64_t &base) {
  if (numBins < 2)
    return false;
  double w = (hi - lo) / double(numBins);
  int e;
  if (!(w > 0) || std::frexp(w, &e) != 0.5)
    return false;
  exp = e - 1;
  if (exp < kMinExp)
    return false;
  double b = std::ldexp(lo, -exp);
  if (b != std::floor(b) || std::fabs(b) > 0x1p52)
    return false;
  base = int64_t(b);
  return std::ldexp(double(base), exp) == lo &&
         std::ldexp(double(base + int64_t(numBins)), exp) == hi;
}

void Histogram::setCanonical(int exp, int64_t base, size_t numBins) {
  canonical_ = true;
  exp_ = exp;
  base_ = base;
  lo_ = std::ldexp(double(base), exp);
  hi_ = std::ldexp(double(base + int64_t(numBins)), exp);
}

Histogram Histogram::canonical(double dataMin, double dataMax,
                               unsigned numBins) {
  Histogram h;
  numBins = std::max(numBins, 2u);
  int exp = minimalExponent(dataMin, dataMax, numBins);
  h.bins_.assign(numBins, 0.0);
  h.setCanonical(exp, floorIndex(dataMin, exp), numBins);
  return h;
}

double Histogram::total() const {
  return std::accumulate(bins_.begin(), bins_.end(), 0.0);
}

int64_t Histogram::canonicalIndex(double x) const {
  return floorIndex(x, exp_) - base_;
}

void Histogram::coverCanonical(double dataMin, double dataMax) {
  size_t n = bins_.size();
  int exp = std::max(exp_, minimalExponent(dataMin, dataMax, n));
  int64_t base = floorIndex(dataMin, exp);
  if (exp == exp_ && base == base_)
    return;
  std::vector<double> out(n, 0.0);
  int d = exp - exp_;
  for (size_t i = 0; i < n; ++i) {
    if (bins_[i] == 0.0)
      continue;
    int64_t j = floorShift(base_ + int64_t(i), d) - base;
    // Non-empty bins hold values inside [dataMin, dataMax], so j is in range;
    // the clamp only guards statistics that lie about their extent.
    j = std::clamp<int64_t>(j, 0, int64_t(n) - 1);
    out[j] += bins_[i];
  }
  bins_ = std::move(out);
  setCanonical(exp, base, n);
}

void Histogram::merge(const Histogram &other, double dataMin, double dataMax) {
  if (other.empty())
    return;
  if (empty()) {
    *this = other;
    return;
  }
  auto extent = [](const Histogram &h, double &a, double &b) {
    auto [first, last] = occupied(h.bins_);
    if (first < 0)
      return false;
    a = h.binLo(size_t(first));
    // The top edge of the last bin belongs to the next bin.
    b = h.canonical_
            ? h.binLo(size_t(last))
            : std::nextafter(h.binLo(size_t(last)) + h.binWidth(), -INFINITY);
    return true;
  };
  double a0, b0, a1, b1;
  if (!extent(other, a1, b1))
    return; // nothing to add
  if (!extent(*this, a0, b0)) {
    *this = other;
    return;
  }
  double lo = std::min(a0, a1), hi = std::max(b0, b1);
  if (std::isfinite(dataMin) && std::isfinite(dataMax) && dataMin <= dataMax) {
    lo = dataMin;
    hi = dataMax;
  }
  size_t n = std::max(bins_.size(), other.bins_.size());
  int exp = minimalExponent(lo, hi, n);
  if (canonical_)
    exp = std::max(exp, exp_);
  if (other.canonical_)
    exp = std::max(exp, other.exp_);
  Histogram result;
  result.bins_.assign(n, 0.0);
  result.setCanonical(exp, floorIndex(lo, exp), n);
  for (const Histogram *src : {static_cast<const Histogram *>(this), &other}) {
    if (src->canonical_) {
      int d = exp - src->exp_;
      for (size_t i = 0; i < src->bins_.size(); ++i) {
        if (src->bins_[i] == 0.0)
          continue;
        int64_t j = floorShift(src->base_ + int64_t(i), d) - result.base_;
        result.bins_[std::clamp<int64_t>(j, 0, int64_t(n) - 1)] +=
            src->bins_[i];
      }
    } else {
      double w = src->binWidth();
      for (size_t i = 0; i < src->bins_.size(); ++i)
        if (src->bins_[i] != 0.0)
          spread(src->binLo(i), src->binLo(i) + w, src->bins_[i], result.lo_,
                 result.binWidth(), result.bins_);
    }
  }
  *this = std::move(result);
}

std::vector<double> Histogram::rebin(double lo, double hi,
                                     size_t numBins) const {
  std::vector<double> out(numBins, 0.0);
  if (numBins == 0 || empty())
    return out;
  double dw = (hi - lo) / double(numBins);
  double w = binWidth();
  for (size_t i = 0; i < bins_.size(); ++i)
    if (bins_[i] != 0.0)
      spread(binLo(i), binLo(i) + w, bins_[i], lo, dw, out);
  return out;
}
