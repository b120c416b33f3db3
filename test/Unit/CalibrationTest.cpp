//===- CalibrationTest.cpp - Calibration statistics, ranges, stats file ---===//
//
// Checks the collector, the range methods and the qc-stats file against
// distributions whose answer is known (constructed histograms, hand-computed
// moving averages, brute-force min/max) and every file error case.
//
//===----------------------------------------------------------------------===//
#include "qc/Calibration/RangeSelection.h"
#include "qc/Calibration/Statistics.h"
#include "qc/Calibration/StatsFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace qc::calib;

namespace {

template <typename T> std::string errorOf(llvm::Expected<T> v) {
  if (v)
    return "<no error>";
  return llvm::toString(v.takeError());
}

std::string errorOf(llvm::Error e) {
  if (!e)
    return "<no error>";
  return llvm::toString(std::move(e));
}

const TensorStats &statsOf(const StatsCollector &c, llvm::StringRef id) {
  return llvm::cantFail(c.table().lookup(id));
}

std::vector<float> gaussian(size_t n, unsigned seed, float sigma = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, sigma);
  std::vector<float> v(n);
  for (float &x : v)
    x = d(rng);
  return v;
}

std::vector<float> uniform(size_t n, unsigned seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = d(rng);
  return v;
}

std::vector<float> laplace(size_t n, unsigned seed, float b) {
  std::mt19937 rng(seed);
  std::exponential_distribution<float> e(1.0f / b);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> v(n);
  for (float &x : v)
    x = sign(rng) ? e(rng) : -e(rng);
  return v;
}

void observeAll(StatsCollector &c, llvm::StringRef id,
                const std::vector<float> &data, size_t batches = 1) {
  size_t per = data.size() / batches;
  for (size_t b = 0; b < batches; ++b) {
    size_t n = b + 1 == batches ? data.size() - b * per : per;
    int64_t shape[] = {int64_t(n)};
    ASSERT_FALSE(bool(c.observe(id, data.data() + b * per, shape)));
  }
}

TensorStats statsFor(const std::vector<float> &data, unsigned bins = 2048) {
  CollectorOptions o;
  o.numBins = bins;
  StatsCollector c(o);
  observeAll(c, "t", data, 4);
  return statsOf(c, "t");
}

//===----------------------------------------------------------------------===//
// Collector
//===----------------------------------------------------------------------===//

TEST(CalibCollector, MinMaxAndCountsAreExact) {
  StatsCollector c;
  std::vector<float> a = {0.5f, -2.25f, 3.0f, 1.0f};
  std::vector<float> b = {7.5f, -0.125f};
  int64_t sa[] = {2, 2}, sb[] = {2};
  ASSERT_FALSE(bool(c.observe("x", a.data(), sa)));
  ASSERT_FALSE(bool(c.observe("x", b.data(), sb)));
  const TensorStats &s = statsOf(c, "x");
  EXPECT_EQ(s.count, 6);
  EXPECT_EQ(s.batches, 2);
  EXPECT_EQ(s.min, -2.25);
  EXPECT_EQ(s.max, 7.5);
  EXPECT_DOUBLE_EQ(s.histogram.total(), 6.0);
  auto r = selectRange(s, Method::MinMax);
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->min, -2.25);
  EXPECT_EQ(r->max, 7.5);
}

TEST(CalibCollector, MovingAverageMatchesHandComputation) {
  StatsCollector c; // c = 0.01
  std::vector<std::vector<float>> batches = {
      {-1.0f, 2.0f}, {-3.0f, 6.0f, 0.0f}, {-2.0f, 4.0f}};
  for (auto &b : batches) {
    int64_t shape[] = {int64_t(b.size())};
    ASSERT_FALSE(bool(c.observe("x", b.data(), shape)));
  }
  // First batch sets; then avg += 0.01 * (batch - avg).
  double mn = -1.0, mx = 2.0;
  mn += 0.01 * (-3.0 - mn);
  mx += 0.01 * (6.0 - mx);
  mn += 0.01 * (-2.0 - mn);
  mx += 0.01 * (4.0 - mx);
  const TensorStats &s = statsOf(c, "x");
  EXPECT_DOUBLE_EQ(s.avgMin, mn); // -1.0298
  EXPECT_DOUBLE_EQ(s.avgMax, mx); // 2.0596
  EXPECT_NEAR(s.avgMin, -1.0298, 1e-12);
  EXPECT_NEAR(s.avgMax, 2.0596, 1e-12);
  auto r = selectRange(s, Method::MovingAverage);
  ASSERT_TRUE(bool(r));
  EXPECT_DOUBLE_EQ(r->min, mn);
  EXPECT_DOUBLE_EQ(r->max, mx);

  CollectorOptions half;
  half.averagingConstant = 0.5;
  StatsCollector c2(half);
  for (auto &b : batches) {
    int64_t shape[] = {int64_t(b.size())};
    ASSERT_FALSE(bool(c2.observe("x", b.data(), shape)));
  }
  EXPECT_DOUBLE_EQ(statsOf(c2, "x").avgMin, -2.0); // -1 -> -2 -> -2
  EXPECT_DOUBLE_EQ(statsOf(c2, "x").avgMax, 4.0);  // 2 -> 4 -> 4
}

TEST(CalibCollector, NanAndInfAreCountedAndExcluded) {
  StatsCollector c;
  std::vector<float> v = gaussian(10000, 1);
  v[3] = NAN;
  v[70] = INFINITY;
  v[5000] = -INFINITY;
  v[9999] = NAN;
  v[4097] = NAN; // in the second chunk
  int64_t shape[] = {100, 100};
  ASSERT_FALSE(bool(c.observe("x", v.data(), shape)));
  const TensorStats &s = statsOf(c, "x");
  EXPECT_EQ(s.nanCount, 3);
  EXPECT_EQ(s.infCount, 2);
  EXPECT_EQ(s.count, 10000 - 5);
  EXPECT_DOUBLE_EQ(s.histogram.total(), double(s.count));
  float mn = INFINITY, mx = -INFINITY;
  for (float x : v)
    if (std::isfinite(x)) {
      mn = std::min(mn, x);
      mx = std::max(mx, x);
    }
  EXPECT_EQ(s.min, mn);
  EXPECT_EQ(s.max, mx);
  EXPECT_EQ(s.avgMin, mn);

  // A tensor with no finite value: counted, and range selection refuses it.
  std::vector<float> bad = {NAN, INFINITY, NAN};
  int64_t bs[] = {3};
  ASSERT_FALSE(bool(c.observe("bad", bad.data(), bs)));
  const TensorStats &b = statsOf(c, "bad");
  EXPECT_EQ(b.count, 0);
  EXPECT_EQ(b.nanCount, 2);
  EXPECT_EQ(b.infCount, 1);
  EXPECT_EQ(errorOf(selectRange(c.table(), "bad", Method::MinMax)),
            "tensor 'bad' in <memory>: statistics hold no finite value (2 NaN "
            "and 1 infinite values were excluded)");
}

TEST(CalibCollector, HistogramMergeAcrossExpandingBatches) {
  std::vector<float> a = uniform(5000, 1, 0.0f, 1.0f);
  std::vector<float> b = gaussian(20000, 2, 5.0f);
  std::vector<float> d = uniform(3000, 3, 50.0f, 100.0f);
  std::vector<float> all;
  for (auto *v : {&a, &b, &d})
    all.insert(all.end(), v->begin(), v->end());

  auto run = [](std::vector<const std::vector<float> *> order) {
    StatsCollector c;
    for (auto *v : order) {
      int64_t shape[] = {int64_t(v->size())};
      EXPECT_FALSE(bool(c.observe("x", v->data(), shape)));
    }
    return statsOf(c, "x");
  };
  TensorStats fwd = run({&a, &b, &d});
  TensorStats rev = run({&d, &b, &a});
  TensorStats once = run({&all});
  EXPECT_EQ(fwd.count, int64_t(all.size()));
  EXPECT_DOUBLE_EQ(fwd.histogram.total(), double(all.size()));
  EXPECT_TRUE(fwd.histogram.isCanonical());
  // Power-of-two grids: every order gives the same histogram, bit for bit.
  EXPECT_EQ(fwd.histogram.lo(), once.histogram.lo());
  EXPECT_EQ(fwd.histogram.hi(), once.histogram.hi());
  EXPECT_EQ(fwd.histogram.bins().vec(), once.histogram.bins().vec());
  EXPECT_EQ(rev.histogram.bins().vec(), once.histogram.bins().vec());
  // The data uses at least half of the bins.
  double span = fwd.max - fwd.min;
  EXPECT_LE(fwd.histogram.binWidth(), 2 * span / 2047);
  EXPECT_LE(fwd.histogram.lo(), fwd.min);
  EXPECT_GE(fwd.histogram.hi(), fwd.max);

  // The distribution is kept: the CDF at any bin edge equals the exact
  // fraction of values below it.
  std::sort(all.begin(), all.end());
  const Histogram &h = fwd.histogram;
  double cum = 0;
  for (size_t i = 0; i < h.numBins(); ++i) {
    double edge = h.binLo(i);
    size_t below =
        size_t(std::lower_bound(all.begin(), all.end(), edge) - all.begin());
    EXPECT_EQ(cum, double(below)) << "bin " << i;
    cum += h.bins()[i];
  }
}

TEST(CalibCollector, MergingCollectorsEqualsOneCollector) {
  std::vector<float> v = gaussian(30000, 7, 3.0f);
  StatsCollector whole, t1, t2;
  observeAll(whole, "x", v, 6);
  std::vector<float> first(v.begin(), v.begin() + 10000),
      second(v.begin() + 10000, v.end());
  observeAll(t1, "x", first, 2);
  observeAll(t2, "x", second, 4);
  observeAll(t2, "only2", first, 1);
  t1.recordBatch(32);
  t2.recordBatch(16);
  ASSERT_FALSE(bool(t1.merge(t2)));
  const TensorStats &m = statsOf(t1, "x"), &w = statsOf(whole, "x");
  EXPECT_EQ(m.count, w.count);
  EXPECT_EQ(m.batches, 6);
  EXPECT_EQ(m.min, w.min);
  EXPECT_EQ(m.max, w.max);
  EXPECT_EQ(m.histogram.lo(), w.histogram.lo());
  EXPECT_EQ(m.histogram.bins().vec(), w.histogram.bins().vec());
  EXPECT_EQ(statsOf(t1, "only2").count, 10000);
  EXPECT_EQ(t1.table().batches, 2);
  EXPECT_EQ(t1.table().samples, 48);
}

TEST(CalibCollector, PerChannelMinMaxAnyAxis) {
  // shape [2, 3, 4]; check against brute force for every axis.
  std::vector<float> v = gaussian(24, 11);
  v[5] = NAN;
  int64_t shape[] = {2, 3, 4};
  for (int64_t axis : {0, 1, 2, -1}) {
    StatsCollector c;
    ASSERT_FALSE(bool(c.observe("w", v.data(), shape, axis)));
    const TensorStats &s = statsOf(c, "w");
    int64_t a = axis < 0 ? axis + 3 : axis;
    ASSERT_TRUE(s.axis.has_value());
    EXPECT_EQ(*s.axis, a);
    ASSERT_EQ(int64_t(s.channelMin.size()), shape[a]);
    for (int64_t ch = 0; ch < shape[a]; ++ch) {
      double mn = INFINITY, mx = -INFINITY;
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < 3; ++j)
          for (int64_t k = 0; k < 4; ++k) {
            int64_t idx[] = {i, j, k};
            if (idx[a] != ch)
              continue;
            float x = v[size_t(i * 12 + j * 4 + k)];
            if (std::isnan(x))
              continue;
            mn = std::min(mn, double(x));
            mx = std::max(mx, double(x));
          }
      EXPECT_EQ(s.channelMin[size_t(ch)], mn) << "axis " << a << " ch " << ch;
      EXPECT_EQ(s.channelMax[size_t(ch)], mx) << "axis " << a << " ch " << ch;
    }
    auto ranges = selectChannelRanges(s, QuantGrid{});
    ASSERT_TRUE(bool(ranges));
    EXPECT_EQ(ranges->size(), size_t(shape[a]));
  }

  // Second batch widens channel 1 only.
  StatsCollector c;
  ASSERT_FALSE(bool(c.observe("w", v.data(), shape, 1)));
  std::vector<float> w(24, 0.0f);
  w[4] = 100.0f; // j == 1
  ASSERT_FALSE(bool(c.observe("w", w.data(), shape, 1)));
  EXPECT_EQ(statsOf(c, "w").channelMax[1], 100.0);
  EXPECT_LT(statsOf(c, "w").channelMax[0], 100.0);

  // Errors name the tensor and the problem; nothing is recorded.
  EXPECT_EQ(errorOf(c.observe("w", v.data(), shape, 3)),
            "tensor 'w': channel axis 3 is out of range for a rank-3 tensor");
  EXPECT_EQ(errorOf(c.observe("w", v.data(), shape, 2)),
            "tensor 'w': channel axis 2 differs from the axis 1 of earlier "
            "batches");
  int64_t other[] = {2, 4, 3};
  EXPECT_EQ(errorOf(c.observe("w", v.data(), other, 1)),
            "tensor 'w': 4 channels differ from the 3 of earlier batches");
  EXPECT_EQ(errorOf(c.observe("w", v.data(), shape)),
            "tensor 'w': earlier batches were observed per channel along "
            "axis 1");
  int64_t neg[] = {2, -3};
  EXPECT_EQ(errorOf(c.observe("z", v.data(), neg)),
            "tensor 'z': dimension 1 is negative (-3)");
  EXPECT_EQ(statsOf(c, "w").batches, 2);
  EXPECT_FALSE(bool(c.table().tensors.count("z")));

  // A channel that saw only NaN cannot give a range.
  std::vector<float> nanChan = {NAN, 1.0f, NAN, 2.0f};
  int64_t s22[] = {2, 2};
  StatsCollector c3;
  ASSERT_FALSE(bool(c3.observe("w", nanChan.data(), s22, 1)));
  EXPECT_EQ(errorOf(selectChannelRanges(statsOf(c3, "w"), QuantGrid{})),
            "channel 0 (axis 1) saw no finite value");
}

TEST(CalibCollector, MergeRejectsDifferentChannelLayouts) {
  std::vector<float> v = gaussian(12, 1);
  int64_t s34[] = {3, 4}, s43[] = {4, 3};
  StatsCollector a, b, d;
  ASSERT_FALSE(bool(a.observe("w", v.data(), s34, 0)));
  ASSERT_FALSE(bool(b.observe("w", v.data(), s43, 0)));
  ASSERT_FALSE(bool(d.observe("w", v.data(), s34)));
  EXPECT_EQ(errorOf(a.merge(b)), "tensor 'w': channel counts differ (3 vs 4)");
  EXPECT_EQ(errorOf(a.merge(d)),
            "tensor 'w': per-channel statistics are present on one side of "
            "the merge only");
  EXPECT_EQ(statsOf(a, "w").count, 12); // unchanged
}

TEST(CalibHistogram, CanonicalGridAndNonCanonicalMerge) {
  Histogram h = Histogram::canonical(-1.0, 1.0, 2048);
  EXPECT_TRUE(h.isCanonical());
  EXPECT_LE(h.lo(), -1.0);
  EXPECT_GE(h.hi(), 1.0);
  double w = h.binWidth();
  EXPECT_EQ(std::exp2(std::round(std::log2(w))), w);

  // A histogram from elsewhere (5 bins of width 3 over [0, 15)).
  auto other = Histogram::create(0.0, 15.0, {1, 2, 3, 4, 5});
  ASSERT_TRUE(bool(other));
  EXPECT_FALSE(other->isCanonical());
  auto mine = Histogram::create(-4.0, 4.0, {0, 10, 0, 6});
  ASSERT_TRUE(bool(mine));
  EXPECT_TRUE(mine->isCanonical()); // width 2, lo = -2 * 2
  mine->merge(*other);
  EXPECT_TRUE(mine->isCanonical());
  EXPECT_DOUBLE_EQ(mine->total(), 31.0);
  EXPECT_LE(mine->lo(), -2.0);
  EXPECT_GE(mine->hi(), 15.0);
  // Rebinned to 2 halves of [0, 15): 1 + 2 + 3/2 = 4.5 below 7.5.
  auto halves = other->rebin(0.0, 15.0, 2);
  EXPECT_DOUBLE_EQ(halves[0], 4.5);
  EXPECT_DOUBLE_EQ(halves[1], 10.5);

  EXPECT_EQ(errorOf(Histogram::create(0, 1, {1, -2})),
            "histogram bin 1 has a negative count (-2)");
  EXPECT_EQ(errorOf(Histogram::create(1, 1, {1})),
            "histogram range is empty: min 1 is not below max 1");
}

//===----------------------------------------------------------------------===//
// Range methods
//===----------------------------------------------------------------------===//

TensorStats constructed(double lo, double hi, std::vector<double> bins) {
  TensorStats s;
  s.histogram = llvm::cantFail(Histogram::create(lo, hi, bins));
  s.count = int64_t(s.histogram.total());
  s.min = lo;
  s.max = hi;
  s.batches = s.avgBatches = 1;
  s.avgMin = lo;
  s.avgMax = hi;
  return s;
}

TEST(CalibRange, PercentileOfConstructedHistogram) {
  // 100 unit bins over [0, 100), 1 count each: the q-quantile is 100 q.
  TensorStats s = constructed(0, 100, std::vector<double>(100, 1.0));
  RangeParams p;
  p.percentile = 90;
  auto r = selectRange(s, Method::Percentile, p);
  ASSERT_TRUE(bool(r));
  EXPECT_NEAR(r->min, 10.0, 1e-9);
  EXPECT_NEAR(r->max, 90.0, 1e-9);
  p.percentile = 100;
  r = selectRange(s, Method::Percentile, p);
  ASSERT_TRUE(bool(r));
  EXPECT_DOUBLE_EQ(r->min, 0.0);
  EXPECT_DOUBLE_EQ(r->max, 100.0);

  // Skewed: 90 counts in [0, 1), 10 in [9, 10). 95% -> middle of the top
  // bin.
  std::vector<double> bins(10, 0.0);
  bins[0] = 90;
  bins[9] = 10;
  TensorStats k = constructed(0, 10, bins);
  p.percentile = 95;
  r = selectRange(k, Method::Percentile, p);
  ASSERT_TRUE(bool(r));
  EXPECT_NEAR(r->max, 9.5, 1e-9);
  EXPECT_NEAR(r->min, 5.0 / 90.0, 1e-9);

  // Symmetric: quantile of |x|. 200 unit bins over [-100, 100): |x| is
  // uniform on [0, 100], so 90% of the mass is within [-90, 90].
  TensorStats sym = constructed(-100, 100, std::vector<double>(200, 1.0));
  p.percentile = 90;
  p.grid.symmetric = true;
  r = selectRange(sym, Method::Percentile, p);
  ASSERT_TRUE(bool(r));
  EXPECT_NEAR(r->max, 90.0, 1e-6);
  EXPECT_NEAR(r->min, -90.0, 1e-6);

  p.percentile = 0;
  EXPECT_EQ(errorOf(selectRange(sym, Method::Percentile, p)),
            "percentile 0 is outside (0, 100]");
}

TEST(CalibRange, MinMaxIsExactAndSymmetricMirrors) {
  TensorStats s = statsFor({-0.75f, 3.5f, 1.25f, 0.0f});
  auto r = selectRange(s, Method::MinMax);
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->min, -0.75);
  EXPECT_EQ(r->max, 3.5);
  RangeParams p;
  p.grid.symmetric = true;
  r = selectRange(s, Method::MinMax, p);
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->min, -3.5);
  EXPECT_EQ(r->max, 3.5);
}

TEST(CalibRange, EntropyClipsFarOutliersOfAGaussian) {
  std::vector<float> v = gaussian(1 << 20, 5);
  for (int i = 0; i < 16; ++i)
    v[size_t(i) * 1000] = i % 2 ? 50.0f : -50.0f;
  TensorStats s = statsFor(v);
  EXPECT_EQ(s.max, 50.0);
  RangeParams p;
  p.grid.symmetric = true;
  auto r = selectRange(s, Method::Entropy, p);
  ASSERT_TRUE(bool(r)) << errorOf(std::move(r));
  // Well inside the outliers, and not clipping the Gaussian's body.
  EXPECT_GT(r->max, 2.5);
  EXPECT_LT(r->max, 10.0);
  EXPECT_EQ(r->min, -r->max);
  // Without outliers, the threshold is similar.
  TensorStats clean = statsFor(gaussian(1 << 20, 6));
  auto rc = selectRange(clean, Method::Entropy, p);
  ASSERT_TRUE(bool(rc));
  EXPECT_NEAR(rc->max, r->max, 1.0);

  // Post-ReLU data: the spike of zeros must not drag the threshold down; the
  // positive half has the shape of |x| of the Gaussian.
  std::vector<float> relu = gaussian(1 << 20, 6);
  for (float &x : relu)
    x = std::max(0.0f, x);
  TensorStats rs = statsFor(relu);
  auto rr = selectRange(rs, Method::Entropy, p);
  ASSERT_TRUE(bool(rr));
  EXPECT_NEAR(rr->max, rc->max, 1.0);
  p.grid.symmetric = false;
  p.grid.isSigned = false;
  rr = selectRange(rs, Method::Entropy, p); // 256 levels over [0, t]
  ASSERT_TRUE(bool(rr));
  EXPECT_EQ(rr->min, 0.0);
  EXPECT_GT(rr->max, 3.0);
  EXPECT_LT(rr->max, rs.max);
}

TEST(CalibRange, EntropyAndMSEClipALaplacian) {
  TensorStats s = statsFor(laplace(1 << 20, 9, 1.0f));
  double amax = std::max(-s.min, s.max);
  ASSERT_GT(amax, 10.0);
  RangeParams p;
  p.grid.symmetric = true;
  auto kl = selectRange(s, Method::Entropy, p);
  ASSERT_TRUE(bool(kl));
  EXPECT_LT(kl->max, 0.8 * amax);
  EXPECT_GT(kl->max, 3.0);
  auto mse = selectRange(s, Method::MSE, p);
  ASSERT_TRUE(bool(mse));
  // The L2-optimal 8-bit clip of a Laplace(b) is about 9.9 b (Banner et al.).
  EXPECT_GT(mse->max, 7.0);
  EXPECT_LT(mse->max, 12.0);
  EXPECT_LT(mse->max, 0.9 * amax);
  // Its error is below the full-range error.
  QuantParams full = llvm::cantFail(chooseQuantParams(-amax, amax, p.grid));
  QuantParams clipped =
      llvm::cantFail(chooseQuantParams(mse->min, mse->max, p.grid));
  EXPECT_LT(expectedQuantError(s.histogram, clipped, p.grid),
            expectedQuantError(s.histogram, full, p.grid));
  // 4 bits clip harder than 8.
  p.grid.bits = 4;
  auto mse4 = selectRange(s, Method::MSE, p);
  ASSERT_TRUE(bool(mse4));
  EXPECT_LT(mse4->max, mse->max);
}

TEST(CalibRange, EntropySearchesEachSideOfZeroOfSkewedData) {
  // Like a normalised image: half the values sit on the background value
  // -1, the rest spread uniformly over [0, 3]. On the asymmetric 8-bit grid
  // the only range with zero divergence is the full [-1, 3]: clipping the
  // positive side piles mass into the last kept bin, clipping the negative
  // side moves the spike into an empty bin. A search over |x| sees a spike
  // at 1 and clipped the positive side there.
  const size_t n = 1 << 20;
  std::vector<float> v(n);
  for (size_t k = 0; k < n; ++k)
    v[k] = k % 2 ? -1.0f : 3.0f * (float(k / 2) + 0.5f) / float(n / 2);
  TensorStats s = statsFor(v);
  RangeParams p;
  p.grid.isSigned = false;
  auto r = selectRange(s, Method::Entropy, p);
  ASSERT_TRUE(bool(r)) << errorOf(std::move(r));
  EXPECT_EQ(r->min, -1.0);
  EXPECT_GT(r->max, 3.0 - 3.0 / 256);
  EXPECT_LE(r->max, s.max);
  // Mirrored: the spike at +1, the uniform part over [-3, 0].
  for (float &x : v)
    x = -x;
  r = selectRange(statsFor(v), Method::Entropy, p);
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->max, 1.0);
  EXPECT_LT(r->min, -3.0 + 3.0 / 256);

  // A Gaussian body on the positive side with far outliers: the positive
  // side is clipped, the spike on the negative side is kept.
  std::vector<float> g = gaussian(n / 2, 11);
  for (size_t k = 0; k < n / 2; ++k) {
    v[2 * k] = std::fabs(g[k]);
    v[2 * k + 1] = -1.0f;
  }
  for (int i = 0; i < 16; ++i)
    v[size_t(i) * 1000] = 40.0f;
  r = selectRange(statsFor(v), Method::Entropy, p);
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->min, -1.0);
  EXPECT_GT(r->max, 2.5);
  EXPECT_LT(r->max, 10.0);

  // One-sided data keeps 0 as its bound exactly, even when the data stay
  // away from it, and searches only the open end.
  r = selectRange(statsFor(uniform(1 << 16, 12, 0.5f, 3.0f)), Method::Entropy,
                  p);
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->min, 0.0);
  EXPECT_GT(r->max, 2.9);
  r = selectRange(statsFor(uniform(1 << 16, 13, -3.0f, -0.5f)),
                  Method::Entropy, p);
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->max, 0.0);
  EXPECT_LT(r->min, -2.9);
}

TEST(CalibRange, MSEKeepsTheRangeOfAUniform) {
  TensorStats s = statsFor(uniform(1 << 20, 3, -1.0f, 1.0f));
  RangeParams p;
  p.grid.symmetric = true;
  auto r = selectRange(s, Method::MSE, p);
  ASSERT_TRUE(bool(r));
  EXPECT_GT(r->max, 0.97);
  EXPECT_LE(r->max, 1.0);
  p.grid.symmetric = false;
  r = selectRange(s, Method::MSE, p);
  ASSERT_TRUE(bool(r));
  EXPECT_GT(r->max, 0.97);
  EXPECT_LT(r->min, -0.97);

  // One-sided (post-ReLU) Gaussian, asymmetric unsigned: the top is clipped,
  // the bottom stays at 0.
  std::vector<float> relu = gaussian(1 << 20, 4);
  for (float &x : relu)
    x = std::max(0.0f, x);
  TensorStats rs = statsFor(relu);
  p.grid.isSigned = false;
  r = selectRange(rs, Method::MSE, p);
  ASSERT_TRUE(bool(r));
  EXPECT_EQ(r->min, 0.0);
  EXPECT_LT(r->max, rs.max);
  EXPECT_GT(r->max, 2.5);
}

TEST(CalibRange, ExpectedErrorOfUniformIsStepSquaredOverTwelve) {
  auto h = Histogram::create(-1.0, 1.0, std::vector<double>(1000, 1.0));
  ASSERT_TRUE(bool(h));
  QuantGrid g;
  g.symmetric = true;
  QuantParams qp = llvm::cantFail(chooseQuantParams(-1.0, 1.0, g));
  double s = qp.scale;
  EXPECT_NEAR(expectedQuantError(*h, qp, g), s * s / 12, 1e-3 * s * s);
  // Clipping to [-0.5, 0.5] adds E[(|x| - 0.5)^2; |x| > 0.5] = 1/24 (on a
  // narrow grid: with -128 the negative side would reach -128 * scale).
  g.narrowRange = true;
  QuantParams half = llvm::cantFail(chooseQuantParams(-0.5, 0.5, g));
  double sh = half.scale;
  EXPECT_NEAR(expectedQuantError(*h, half, g), 0.5 * sh * sh / 12 + 1.0 / 24,
              1e-6);
}

TEST(CalibRange, MethodsNeedWhatTheyUse) {
  TensorStats s = statsFor({1.0f, 2.0f}, /*bins=*/0);
  EXPECT_TRUE(s.histogram.empty());
  EXPECT_EQ(errorOf(selectRange(s, Method::Entropy)),
            "method 'entropy' needs a histogram, and these statistics have "
            "none");
  EXPECT_TRUE(bool(selectRange(s, Method::MinMax)));
  RangeParams p;
  p.grid.bits = 1;
  EXPECT_EQ(errorOf(selectRange(s, Method::MinMax, p)),
            "quantization bit width 1 is outside the supported 2..32");

  StatsTable t;
  t.source = "calib.json";
  EXPECT_EQ(errorOf(selectRange(t, "conv1", Method::MinMax)),
            "statistics for tensor 'conv1' are missing from calib.json");

  for (Method m : {Method::MinMax, Method::MovingAverage, Method::Percentile,
                   Method::Entropy, Method::MSE}) {
    auto parsed = parseMethod(stringifyMethod(m));
    ASSERT_TRUE(bool(parsed));
    EXPECT_EQ(*parsed, m);
  }
  EXPECT_EQ(errorOf(parseMethod("kl")),
            "unknown calibration method 'kl' (expected minmax, "
            "moving_average, percentile, entropy or mse)");
}

//===----------------------------------------------------------------------===//
// chooseQuantParams
//===----------------------------------------------------------------------===//

TEST(CalibQuantParams, StandardAffineChoice) {
  // int8 asymmetric [-1, 1]: scale 2/255, zp = -128 - rint(-127.5) = 0
  // (half to even).
  auto qp = chooseQuantParams(-1.0, 1.0, 8, true, false, false);
  ASSERT_TRUE(bool(qp));
  EXPECT_DOUBLE_EQ(qp->scale, 2.0 / 255);
  EXPECT_EQ(qp->zeroPoint, 0);
  // uint8 asymmetric [0, 6]: zp 0.
  qp = chooseQuantParams(0.0, 6.0, 8, false, false, false);
  EXPECT_DOUBLE_EQ(qp->scale, 6.0 / 255);
  EXPECT_EQ(qp->zeroPoint, 0);
  // The range is extended to contain 0: [2, 4] -> [0, 4].
  qp = chooseQuantParams(2.0, 4.0, 8, false, false, false);
  EXPECT_DOUBLE_EQ(qp->scale, 4.0 / 255);
  EXPECT_EQ(qp->zeroPoint, 0);
  // All negative, unsigned: zp at the top.
  qp = chooseQuantParams(-4.0, -2.0, 8, false, false, false);
  EXPECT_DOUBLE_EQ(qp->scale, 4.0 / 255);
  EXPECT_EQ(qp->zeroPoint, 255);
  // [-1, 3] int8: scale 4/255, zp = -128 - rint(-63.75) = -64.
  qp = chooseQuantParams(-1.0, 3.0, 8, true, false, false);
  EXPECT_DOUBLE_EQ(qp->scale, 4.0 / 255);
  EXPECT_EQ(qp->zeroPoint, -64);
  // Symmetric int8 (narrow or not): amax / 127, zp 0.
  qp = chooseQuantParams(-1.0, 2.0, 8, true, true, false);
  EXPECT_DOUBLE_EQ(qp->scale, 2.0 / 127);
  EXPECT_EQ(qp->zeroPoint, 0);
  qp = chooseQuantParams(-1.0, 2.0, 8, true, true, true);
  EXPECT_DOUBLE_EQ(qp->scale, 2.0 / 127);
  // Symmetric uint8: zp 128.
  qp = chooseQuantParams(-1.0, 2.0, 8, false, true, false);
  EXPECT_DOUBLE_EQ(qp->scale, 2.0 / 127);
  EXPECT_EQ(qp->zeroPoint, 128);
  // Narrow asymmetric int8 [-1, 1]: 254 steps, zp = -127 - rint(-127) = 0.
  qp = chooseQuantParams(-1.0, 1.0, 8, true, false, true);
  EXPECT_DOUBLE_EQ(qp->scale, 2.0 / 254);
  EXPECT_EQ(qp->zeroPoint, 0);
  // A tie: narrow 4-bit [-7, 7], [-0.5, 13.5]: scale 1, min / scale = -0.5
  // rounds to 0 (half to even), zp = -7 - 0 = -7 (as PyTorch; rounding
  // qmin - min / scale = -6.5 instead would give -6).
  qp = chooseQuantParams(-0.5, 13.5, 4, true, false, true);
  EXPECT_DOUBLE_EQ(qp->scale, 1.0);
  EXPECT_EQ(qp->zeroPoint, -7);
  // 4-bit signed asymmetric [0, 1]: 15 steps, zp = -8.
  qp = chooseQuantParams(0.0, 1.0, 4, true, false, false);
  EXPECT_DOUBLE_EQ(qp->scale, 1.0 / 15);
  EXPECT_EQ(qp->zeroPoint, -8);
}

TEST(CalibQuantParams, ZeroRangeFallbackAndErrors) {
  auto qp = chooseQuantParams(0.0, 0.0, 8, true, false, false);
  ASSERT_TRUE(bool(qp));
  EXPECT_EQ(qp->scale, 1.0);
  EXPECT_EQ(qp->zeroPoint, 0);
  qp = chooseQuantParams(0.0, 0.0, 8, false, false, true);
  EXPECT_EQ(qp->scale, 1.0);
  EXPECT_EQ(qp->zeroPoint, 1); // 0 clamped into the narrow [1, 255]
  qp = chooseQuantParams(0.0, 0.0, 8, false, true, false);
  EXPECT_EQ(qp->scale, 1.0);
  EXPECT_EQ(qp->zeroPoint, 128);
  // A constant non-zero tensor is not a zero range: [0, 3].
  qp = chooseQuantParams(3.0, 3.0, 8, false, false, false);
  EXPECT_DOUBLE_EQ(qp->scale, 3.0 / 255);
  // Tiny ranges keep a positive normal scale.
  qp = chooseQuantParams(0.0, 1e-45, 8, false, false, false);
  EXPECT_GE(qp->scale, 1.17549435e-38);
  EXPECT_GE(qp->zeroPoint, 0);
  EXPECT_LE(qp->zeroPoint, 255);

  EXPECT_EQ(errorOf(chooseQuantParams(2.0, 1.0, 8, true, false, false)),
            "range min 2 is above max 1");
  EXPECT_EQ(errorOf(chooseQuantParams(NAN, 1.0, 8, true, false, false)),
            "range [nan, 1] is not finite");
  EXPECT_EQ(errorOf(chooseQuantParams(0.0, 1.0, 33, true, false, false)),
            "quantization bit width 33 is outside the supported 2..32");
}

//===----------------------------------------------------------------------===//
// Statistics file
//===----------------------------------------------------------------------===//

void expectSameStats(const TensorStats &a, const TensorStats &b) {
  EXPECT_EQ(a.count, b.count);
  EXPECT_EQ(a.nanCount, b.nanCount);
  EXPECT_EQ(a.infCount, b.infCount);
  EXPECT_EQ(a.batches, b.batches);
  EXPECT_EQ(a.min, b.min);
  EXPECT_EQ(a.max, b.max);
  EXPECT_EQ(a.avgMin, b.avgMin);
  EXPECT_EQ(a.avgMax, b.avgMax);
  EXPECT_EQ(a.histogram.lo(), b.histogram.lo());
  EXPECT_EQ(a.histogram.hi(), b.histogram.hi());
  EXPECT_EQ(a.histogram.bins().vec(), b.histogram.bins().vec());
  EXPECT_EQ(a.histogram.isCanonical(), b.histogram.isCanonical());
  EXPECT_EQ(a.axis, b.axis);
  EXPECT_EQ(a.channelMin, b.channelMin);
  EXPECT_EQ(a.channelMax, b.channelMax);
}

TEST(CalibStatsFile, RoundTrip) {
  StatsCollector c;
  std::vector<float> v = gaussian(5000, 21, 0.3f);
  v[17] = NAN;
  v[18] = -INFINITY;
  observeAll(c, "conv1/out", v, 3);
  std::vector<float> w = uniform(64, 4, -0.2f, 0.7f);
  int64_t ws[] = {4, 2, 2, 4};
  ASSERT_FALSE(bool(c.observe("conv1.weight \"q\"", w.data(), ws, 0)));
  std::vector<float> bad = {NAN};
  int64_t bs[] = {1};
  ASSERT_FALSE(bool(c.observe("dead", bad.data(), bs)));
  c.recordBatch(8);
  c.recordBatch(8);

  llvm::SmallString<128> path;
  ASSERT_FALSE(bool(llvm::sys::fs::createTemporaryFile("calib", "json", path)));
  ASSERT_FALSE(bool(writeStatsFile(path, c.table())));
  auto back = readStatsFile(path);
  llvm::sys::fs::remove(path);
  ASSERT_TRUE(bool(back)) << errorOf(std::move(back));
  EXPECT_EQ(back->batches, 2);
  EXPECT_EQ(back->samples, 16);
  EXPECT_EQ(back->source, std::string(path));
  ASSERT_EQ(back->tensors.size(), 3u);
  for (const auto &[id, st] : c.table().tensors) {
    SCOPED_TRACE(id);
    expectSameStats(st, llvm::cantFail(back->lookup(id)));
  }
  // Text is deterministic.
  EXPECT_EQ(printStats(*back), printStats(c.table()));
  EXPECT_EQ(errorOf(back->lookup("nope")),
            "statistics for tensor 'nope' are missing from " +
                std::string(path));
}

// A file as a PyTorch/numpy script would write it: numpy.histogram-style
// bins over [min, max], integral floats.
TEST(CalibStatsFile, ReadsExternalFiles) {
  const char *text = R"({
    "format": "qc-stats", "version": 1, "batches": 1, "samples": 4,
    "tensors": {
      "x": {"count": 10, "min": -1.0, "max": 3.0, "avg_min": -1.0,
            "avg_max": 3.0, "extra_field_is_ignored": true,
            "histogram": {"min": -1.0, "max": 3.0,
                          "bins": [1.0, 2.0, 3.0, 4.0]}},
      "const": {"count": 5, "min": 2.5, "max": 2.5}
    }})";
  auto t = parseStats(text, "ext.json");
  ASSERT_TRUE(bool(t)) << errorOf(std::move(t));
  const TensorStats &x = llvm::cantFail(t->lookup("x"));
  EXPECT_EQ(x.histogram.numBins(), 4u);
  RangeParams p;
  p.percentile = 95; // top 5% of 10 counts: half of the last bin.
  auto r = selectRange(x, Method::Percentile, p);
  ASSERT_TRUE(bool(r));
  EXPECT_NEAR(r->max, 2.875, 1e-9);
  // A zero range is valid and gets the documented fallback downstream.
  const TensorStats &k = llvm::cantFail(t->lookup("const"));
  auto kr = selectRange(k, Method::MinMax);
  ASSERT_TRUE(bool(kr));
  EXPECT_EQ(kr->min, 2.5);
  EXPECT_EQ(kr->max, 2.5);
  EXPECT_EQ(errorOf(selectRange(k, Method::MovingAverage)),
            "method 'moving_average' needs averaged min/max, and these "
            "statistics have none");
}

std::string fileWith(const std::string &tensorBody) {
  return R"({"format": "qc-stats", "version": 1, "batches": 1, "samples": 1,
             "tensors": {"a": )" +
         tensorBody + "}}";
}

std::string parseError(const std::string &text) {
  return errorOf(parseStats(text, "s.json"));
}

TEST(CalibStatsFile, MalformedJsonReportsLineAndColumn) {
  std::string err = parseError("{\n  \"format\": \"qc-stats\",\n  oops\n}");
  EXPECT_EQ(
      err.rfind("s.json: malformed JSON: parse error at line 3, column", 0), 0u)
      << err;
  err = parseError("");
  EXPECT_NE(err.find("s.json: malformed JSON"), std::string::npos) << err;
  // JSON has no NaN literal.
  err = parseError(fileWith(R"({"count": 1, "min": NaN, "max": 1})"));
  EXPECT_NE(err.find("s.json: malformed JSON: parse error at line 2"),
            std::string::npos)
      << err;
}

TEST(CalibStatsFile, HeaderErrors) {
  EXPECT_EQ(parseError("[1, 2]"), "s.json: not a qc-stats file: the top "
                                  "level must be an object, got an array");
  EXPECT_EQ(parseError(R"({"version": 1})"),
            "s.json: not a qc-stats file: field 'format' is missing");
  EXPECT_EQ(parseError(R"({"format": "onnx", "version": 1})"),
            "s.json: not a qc-stats file: field 'format' is \"onnx\", "
            "expected \"qc-stats\"");
  EXPECT_EQ(parseError(R"({"format": "qc-stats"})"),
            "s.json: field 'version' is missing");
  EXPECT_EQ(parseError(R"({"format": "qc-stats", "version": 2})"),
            "s.json: unsupported qc-stats version 2 (this build reads "
            "version 1)");
  EXPECT_EQ(parseError(R"({"format": "qc-stats", "version": "1"})"),
            "s.json: field 'version' must be an integer, got \"1\"");
  EXPECT_EQ(parseError(R"({"format": "qc-stats", "version": 1,
                           "batches": 1, "samples": 1})"),
            "s.json: field 'tensors' is missing");
  EXPECT_EQ(parseError(R"({"format": "qc-stats", "version": 1,
                           "batches": -1, "samples": 1, "tensors": {}})"),
            "s.json: field 'batches' must not be negative (-1)");
  EXPECT_EQ(parseError(R"({"format": "qc-stats", "version": 1,
                           "batches": 1, "samples": 1, "tensors": []})"),
            "s.json: field 'tensors' must be an object, got an array");
  EXPECT_EQ(parseError(R"({"format": "qc-stats", "version": 1,
                           "batches": 1, "samples": 1.5, "tensors": {}})"),
            "s.json: field 'samples' must be an integer, got 1.5");
  EXPECT_EQ(errorOf(readStatsFile("/nonexistent/calib.json")),
            "cannot read statistics file '/nonexistent/calib.json': No such "
            "file or directory");
}

TEST(CalibStatsFile, TensorErrors) {
  EXPECT_EQ(parseError(fileWith("3")),
            "s.json: tensor 'a': must be an object, got a number");
  EXPECT_EQ(parseError(fileWith(R"({"min": 0, "max": 1})")),
            "s.json: tensor 'a': field 'count' is missing");
  EXPECT_EQ(parseError(fileWith(R"({"count": 2, "max": 1})")),
            "s.json: tensor 'a': field 'min' is missing");
  EXPECT_EQ(parseError(fileWith(R"({"count": 2, "min": "abc", "max": 1})")),
            "s.json: tensor 'a': field 'min' must be a number, got a string");
  EXPECT_EQ(parseError(fileWith(R"({"count": 2, "min": [0], "max": 1})")),
            "s.json: tensor 'a': field 'min' must be a number, got an array");
  EXPECT_EQ(parseError(fileWith(R"({"count": 2, "min": 0, "max": "nan"})")),
            "s.json: tensor 'a': field 'max' is the string \"nan\": JSON has "
            "no NaN or infinity, and statistics must be finite");
  EXPECT_EQ(
      parseError(fileWith(R"({"count": 2, "min": "-Infinity", "max": 1})")),
      "s.json: tensor 'a': field 'min' is the string \"-Infinity\": JSON has "
      "no NaN or infinity, and statistics must be finite");
  EXPECT_EQ(parseError(fileWith(R"({"count": 2, "min": 0, "max": 1e999})")),
            "s.json: malformed JSON: number overflow parsing '1e999' at line "
            "2, column 61");
  EXPECT_EQ(parseError(fileWith(R"({"count": 2, "min": 3, "max": 1})")),
            "s.json: tensor 'a': min 3 is above max 1");
  EXPECT_EQ(parseError(fileWith(R"({"count": -2, "min": 0, "max": 1})")),
            "s.json: tensor 'a': field 'count' must not be negative (-2)");
  EXPECT_EQ(parseError(fileWith(R"({"count": true, "min": 0, "max": 1})")),
            "s.json: tensor 'a': field 'count' must be a number, got a "
            "boolean");
  EXPECT_EQ(
      parseError(fileWith(R"({"count": 2, "min": 0, "max": 1, "avg_min": 0})")),
      "s.json: tensor 'a': field 'avg_max' is missing (avg_min and avg_max "
      "go together)");
  EXPECT_EQ(parseError(fileWith(R"({"count": 2, "min": 0, "max": 1,
                                    "avg_min": 0.8, "avg_max": 0.2})")),
            "s.json: tensor 'a': avg_min 0.8 is above avg_max 0.2");
  EXPECT_EQ(parseError(fileWith(R"({"count": 0, "min": 0, "max": null})")),
            "s.json: tensor 'a': field 'min' must be null when count is 0");
  EXPECT_EQ(parseError(fileWith(R"({"count": 0, "nan_count": 4,
                                    "min": null, "max": null})")),
            "<no error>");
}

TEST(CalibStatsFile, HistogramErrors) {
  auto withHist = [](const std::string &h) {
    return parseError(fileWith(R"({"count": 4, "min": 0, "max": 1,
                                   "histogram": )" +
                               h + "}"));
  };
  EXPECT_EQ(withHist(R"({"min": 0, "max": 1, "bins": [1, 1, 1, 1]})"),
            "<no error>");
  EXPECT_EQ(withHist(R"([1, 2])"), "s.json: tensor 'a': field 'histogram' "
                                   "must be an object, got an array");
  EXPECT_EQ(withHist(R"({"min": 0, "max": 1})"),
            "s.json: tensor 'a': histogram: field 'bins' is missing");
  EXPECT_EQ(withHist(R"({"min": 0, "max": 1, "bins": []})"),
            "s.json: tensor 'a': histogram: field 'bins' is empty");
  EXPECT_EQ(withHist(R"({"min": 0, "max": 1, "bins": [3, -1, 1, 1]})"),
            "s.json: tensor 'a': histogram: bin 1 has a negative count (-1)");
  EXPECT_EQ(withHist(R"({"min": 0, "max": 1, "bins": [3, "nan", 1]})"),
            "s.json: tensor 'a': histogram: bin 1 is the string \"nan\": "
            "JSON has no NaN or infinity, and statistics must be finite");
  EXPECT_EQ(withHist(R"({"min": 0.5, "max": 1, "bins": [2, 2]})"),
            "s.json: tensor 'a': histogram: range [0.5, 1] does not contain "
            "the tensor range [0, 1]");
  EXPECT_EQ(withHist(R"({"min": 1, "max": 1, "bins": [4]})"),
            "s.json: tensor 'a': histogram: range is empty: min 1 is not "
            "below max 1");
  EXPECT_EQ(withHist(R"({"min": 0, "max": 1, "bins": [1, 1]})"),
            "s.json: tensor 'a': histogram: bins sum to 2, but the tensor "
            "count is 4");
}

TEST(CalibStatsFile, ChannelErrors) {
  auto withCh = [](const std::string &c) {
    return parseError(
        fileWith(R"({"count": 4, "min": 0, "max": 1, )" + c + "}"));
  };
  EXPECT_EQ(withCh(R"("axis": 0, "channel_min": [0, 0.5],
                      "channel_max": [0.5, 1])"),
            "<no error>");
  EXPECT_EQ(withCh(R"("axis": 0, "channel_min": [0])"),
            "s.json: tensor 'a': field 'channel_max' is missing (axis, "
            "channel_min and channel_max go together)");
  EXPECT_EQ(withCh(R"("axis": 0, "channel_min": [0], "channel_max": [1, 2])"),
            "s.json: tensor 'a': channel_min has 1 entries but channel_max "
            "has 2");
  EXPECT_EQ(withCh(R"("axis": 0, "channel_min": [2], "channel_max": [1])"),
            "s.json: tensor 'a': channel 0: min 2 is above max 1");
  EXPECT_EQ(withCh(R"("axis": -1, "channel_min": [0], "channel_max": [1])"),
            "s.json: tensor 'a': field 'axis' must not be negative (-1)");
  EXPECT_EQ(withCh(R"("axis": 0, "channel_min": 0, "channel_max": [1])"),
            "s.json: tensor 'a': field 'channel_min' must be an array, got a "
            "number");
  EXPECT_EQ(withCh(R"("axis": 0, "channel_min": [null], "channel_max": [1])"),
            "s.json: tensor 'a': channel_min of channel 0 must be a number, "
            "got null");
}

} // namespace
