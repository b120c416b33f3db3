//===- Statistics.cpp - Collecting calibration statistics -----------------===//
//
// The collector reads each batch once from memory: the data is processed in
// L1-sized chunks, and each chunk is scanned for min/max and NaN/Inf, the
// histogram widened if needed, and then binned from cache. No allocation
// happens per element; scratch buffers are reused across calls.
//
//===----------------------------------------------------------------------===//
#include "qc/Calibration/Statistics.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

using namespace qc::calib;

namespace {
constexpr size_t kChunk = 4096; // floats: 16 KiB, stays in L1
constexpr int kLanes = 4;       // interleaved histogram count lanes

struct ScanResult {
  float min = INFINITY, max = -INFINITY;
  size_t nan = 0, inf = 0;
};

// Min/max of the finite values of p[0, len) and NaN/Inf counts. Written with
// independent accumulators so that the compiler vectorises it.
ScanResult scan(const float *p, size_t len) {
  constexpr int L = 16;
  float mn[L], mx[L];
  uint32_t nan[L] = {}, inf[L] = {};
  std::fill(mn, mn + L, INFINITY);
  std::fill(mx, mx + L, -INFINITY);
  size_t i = 0;
  for (; i + L <= len; i += L) {
    for (int k = 0; k < L; ++k) {
      float x = p[i + k];
      float ax = std::fabs(x);
      bool finite = ax <= FLT_MAX; // false for NaN and +-Inf
      nan[k] += !(ax <= INFINITY);
      inf[k] += ax == INFINITY;
      float lo = finite ? x : INFINITY, hi = finite ? x : -INFINITY;
      mn[k] = lo < mn[k] ? lo : mn[k];
      mx[k] = hi > mx[k] ? hi : mx[k];
    }
  }
  ScanResult r;
  for (; i < len; ++i) {
    float x = p[i];
    float ax = std::fabs(x);
    if (x != x)
      ++r.nan;
    else if (ax == INFINITY)
      ++r.inf;
    else {
      r.min = std::min(r.min, x);
      r.max = std::max(r.max, x);
    }
  }
  for (int k = 0; k < L; ++k) {
    r.min = std::min(r.min, mn[k]);
    r.max = std::max(r.max, mx[k]);
    r.nan += nan[k];
    r.inf += inf[k];
  }
  return r;
}

// Bin index of x on the canonical grid (2^-exp = invW), clamped for memory
// safety only: the grid always covers the chunk being binned.
inline size_t binOf(float x, double invW, int64_t base, size_t last) {
  double v = double(x) * invW; // exact: scaling by a power of two
  int64_t t = int64_t(v);
  t -= double(t) > v; // floor
  return std::min<uint64_t>(uint64_t(t - base), last);
}

llvm::Error tensorError(llvm::StringRef id, const llvm::Twine &msg) {
  return llvm::createStringError("tensor '" + id + "': " + msg);
}

// Checks that `b` can be merged into `a`.
llvm::Error checkMergeable(const TensorStats &a, const TensorStats &b) {
  if (a.axis.has_value() != b.axis.has_value())
    return llvm::createStringError(
        "per-channel statistics are present on one side of the merge only");
  if (a.axis && *a.axis != *b.axis)
    return llvm::createStringError(llvm::formatv(
        "per-channel axes differ ({0} vs {1})", *a.axis, *b.axis));
  if (a.axis && a.channelMin.size() != b.channelMin.size())
    return llvm::createStringError(
        llvm::formatv("channel counts differ ({0} vs {1})", a.channelMin.size(),
                      b.channelMin.size()));
  return llvm::Error::success();
}
} // namespace

//===----------------------------------------------------------------------===//
// TensorStats / StatsTable
//===----------------------------------------------------------------------===//

llvm::Error TensorStats::merge(const TensorStats &other) {
  if (llvm::Error err = checkMergeable(*this, other))
    return err;
  count += other.count;
  nanCount += other.nanCount;
  infCount += other.infCount;
  batches += other.batches;
  min = std::min(min, other.min);
  max = std::max(max, other.max);
  if (other.avgBatches > 0) {
    if (avgBatches == 0) {
      avgMin = other.avgMin;
      avgMax = other.avgMax;
    } else {
      double wa = double(avgBatches), wb = double(other.avgBatches);
      avgMin = (avgMin * wa + other.avgMin * wb) / (wa + wb);
      avgMax = (avgMax * wa + other.avgMax * wb) / (wa + wb);
    }
    avgBatches += other.avgBatches;
  }
  histogram.merge(other.histogram, min, max);
  if (other.axis) {
    for (size_t c = 0; c < channelMin.size(); ++c) {
      channelMin[c] = std::min(channelMin[c], other.channelMin[c]);
      channelMax[c] = std::max(channelMax[c], other.channelMax[c]);
    }
  }
  return llvm::Error::success();
}

llvm::Expected<const TensorStats &>
StatsTable::lookup(llvm::StringRef id) const {
  auto it = tensors.find(id);
  if (it == tensors.end())
    return llvm::createStringError("statistics for tensor '" + id +
                                   "' are missing from " + source);
  return it->second;
}

//===----------------------------------------------------------------------===//
// StatsCollector
//===----------------------------------------------------------------------===//

StatsCollector::StatsCollector(CollectorOptions options) : options_(options) {
  if (options_.numBins == 1)
    options_.numBins = 2;
}

void StatsCollector::recordBatch(int64_t samples) {
  ++table_.batches;
  table_.samples += samples;
}

llvm::Error StatsCollector::merge(const StatsCollector &other) {
  for (const auto &[id, st] : other.table_.tensors) {
    auto it = table_.tensors.find(id);
    if (it != table_.tensors.end())
      if (llvm::Error err = checkMergeable(it->second, st))
        return tensorError(id, llvm::toString(std::move(err)));
  }
  for (const auto &[id, st] : other.table_.tensors) {
    auto [it, inserted] = table_.tensors.try_emplace(id, st);
    if (!inserted)
      if (llvm::Error err = it->second.merge(st))
        return tensorError(id, llvm::toString(std::move(err)));
  }
  table_.batches += other.table_.batches;
  table_.samples += other.table_.samples;
  return llvm::Error::success();
}

llvm::Error StatsCollector::observe(llvm::StringRef id, const float *data,
                                    llvm::ArrayRef<int64_t> shape,
                                    std::optional<int64_t> channelAxis) {
  // Validate everything before touching the statistics.
  uint64_t numElements = 1;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] < 0)
      return tensorError(
          id, llvm::formatv("dimension {0} is negative ({1})", d, shape[d]));
    if (__builtin_mul_overflow(numElements, uint64_t(shape[d]), &numElements))
      return tensorError(id, "element count overflows");
  }
  if (numElements > 0 && !data)
    return tensorError(id, "data pointer is null");
  int64_t axis = 0;
  if (channelAxis) {
    int64_t rank = int64_t(shape.size());
    axis = *channelAxis < 0 ? *channelAxis + rank : *channelAxis;
    if (axis < 0 || axis >= rank)
      return tensorError(id,
                         llvm::formatv("channel axis {0} is out of range for "
                                       "a rank-{1} tensor",
                                       *channelAxis, rank));
  }
  auto found = table_.tensors.find(id);
  if (found != table_.tensors.end()) {
    const TensorStats &old = found->second;
    if (old.axis && !channelAxis)
      return tensorError(id, llvm::formatv("earlier batches were observed per "
                                           "channel along axis {0}",
                                           *old.axis));
    if (!old.axis && channelAxis && old.batches > 0)
      return tensorError(
          id, "earlier batches were observed without a channel axis");
    if (old.axis && *old.axis != axis)
      return tensorError(id, llvm::formatv("channel axis {0} differs from the "
                                           "axis {1} of earlier batches",
                                           axis, *old.axis));
    if (old.axis && int64_t(old.channelMin.size()) != shape[axis])
      return tensorError(id, llvm::formatv("{0} channels differ from the {1} "
                                           "of earlier batches",
                                           shape[axis], old.channelMin.size()));
  }
  TensorStats &s = table_.tensors[std::string(id)];
  ++s.batches;

  // Global statistics and histogram, chunk by chunk.
  const bool wantHist = options_.numBins > 0;
  Histogram &h = s.histogram;
  size_t nb = 0, touchedLo = SIZE_MAX, touchedHi = 0;
  uint64_t sinceFlush = 0;
  auto flush = [&]() {
    if (touchedLo > touchedHi)
      return;
    double *bins = h.mutableBins();
    for (int k = 0; k < kLanes; ++k) {
      uint32_t *lane = lanes_.data() + size_t(k) * nb;
      for (size_t j = touchedLo; j <= touchedHi; ++j) {
        bins[j] += double(lane[j]);
        lane[j] = 0;
      }
    }
    touchedLo = SIZE_MAX;
    touchedHi = 0;
    sinceFlush = 0;
  };

  float batchMin = INFINITY, batchMax = -INFINITY;
  for (uint64_t start = 0; start < numElements; start += kChunk) {
    const float *p = data + start;
    size_t len = size_t(std::min<uint64_t>(kChunk, numElements - start));
    ScanResult r = scan(p, len);
    s.nanCount += int64_t(r.nan);
    s.infCount += int64_t(r.inf);
    size_t finite = len - r.nan - r.inf;
    if (finite == 0)
      continue;
    s.count += int64_t(finite);
    batchMin = std::min(batchMin, r.min);
    batchMax = std::max(batchMax, r.max);
    s.min = std::min(s.min, double(r.min));
    s.max = std::max(s.max, double(r.max));
    if (!wantHist)
      continue;

    // Make the histogram canonical and wide enough for everything so far.
    if (h.empty() || !h.isCanonical()) {
      flush();
      Histogram fresh = Histogram::canonical(
          s.min, s.max, h.empty() ? options_.numBins : unsigned(h.numBins()));
      fresh.merge(h, s.min, s.max);
      h = std::move(fresh);
    } else if (h.canonicalIndex(s.min) < 0 ||
               h.canonicalIndex(s.max) >= int64_t(h.numBins())) {
      flush();
      h.coverCanonical(s.min, s.max);
    }
    if (nb != h.numBins()) {
      nb = h.numBins();
      if (lanes_.size() < kLanes * nb)
        lanes_.assign(kLanes * nb, 0);
    }
    if (sinceFlush + len > UINT32_MAX)
      flush();
    sinceFlush += len;

    const double invW = std::ldexp(1.0, -h.exponent());
    const int64_t base = h.base();
    const size_t last = nb - 1;
    touchedLo = std::min(touchedLo, binOf(r.min, invW, base, last));
    touchedHi = std::max(touchedHi, binOf(r.max, invW, base, last));
    uint32_t *l0 = lanes_.data(), *l1 = l0 + nb, *l2 = l1 + nb, *l3 = l2 + nb;
    const int exp = h.exponent();
    if (finite == len && exp >= -126 && exp <= 0 &&
        std::abs(base) + int64_t(nb) < (int64_t(1) << 22)) {
      // Common case (bins at most 1 wide, grid near zero): x * 2^-exp is an
      // exact float (scaling up never underflows) below 2^23 in magnitude, so
      // the index arithmetic fits int32 and vectorises.
      const float invWf = float(invW);
      const int32_t base32 = int32_t(base), last32 = int32_t(last);
      uint32_t idx[kChunk];
      for (size_t i = 0; i < len; ++i) {
        float v = p[i] * invWf;
        int32_t t = int32_t(v);
        t -= float(t) > v; // floor
        t -= base32;
        t = t < 0 ? 0 : t;
        idx[i] = uint32_t(t > last32 ? last32 : t);
      }
      size_t i = 0;
      for (; i + 4 <= len; i += 4) {
        ++l0[idx[i]];
        ++l1[idx[i + 1]];
        ++l2[idx[i + 2]];
        ++l3[idx[i + 3]];
      }
      for (; i < len; ++i)
        ++l0[idx[i]];
    } else if (finite == len) {
      size_t i = 0;
      for (; i + 4 <= len; i += 4) {
        ++l0[binOf(p[i], invW, base, last)];
        ++l1[binOf(p[i + 1], invW, base, last)];
        ++l2[binOf(p[i + 2], invW, base, last)];
        ++l3[binOf(p[i + 3], invW, base, last)];
      }
      for (; i < len; ++i)
        ++l0[binOf(p[i], invW, base, last)];
    } else {
      for (size_t i = 0; i < len; ++i)
        if (std::fabs(p[i]) <= FLT_MAX)
          ++l0[binOf(p[i], invW, base, last)];
    }
  }
  if (wantHist && nb)
    flush();

  // Moving average of the batch min/max (PyTorch MovingAverageMinMaxObserver).
  if (batchMin <= batchMax) {
    if (s.avgBatches == 0) {
      s.avgMin = batchMin;
      s.avgMax = batchMax;
    } else {
      double c = options_.averagingConstant;
      s.avgMin += c * (double(batchMin) - s.avgMin);
      s.avgMax += c * (double(batchMax) - s.avgMax);
    }
    ++s.avgBatches;
  }

  // Per-channel min/max.
  if (channelAxis) {
    size_t outer = 1, inner = 1, channels = size_t(shape[axis]);
    for (int64_t d = 0; d < axis; ++d)
      outer *= size_t(shape[d]);
    for (size_t d = size_t(axis) + 1; d < shape.size(); ++d)
      inner *= size_t(shape[d]);
    if (!s.axis) {
      s.axis = axis;
      s.channelMin.assign(channels, INFINITY);
      s.channelMax.assign(channels, -INFINITY);
    }
    chanMin_.assign(channels, INFINITY);
    chanMax_.assign(channels, -INFINITY);
    if (numElements > 0) {
      float *cmin = chanMin_.data(), *cmax = chanMax_.data();
      for (size_t o = 0; o < outer; ++o) {
        const float *row = data + o * channels * inner;
        if (inner == 1) {
          for (size_t c = 0; c < channels; ++c) {
            float x = row[c];
            bool finite = std::fabs(x) <= FLT_MAX;
            float lo = finite ? x : INFINITY, hi = finite ? x : -INFINITY;
            cmin[c] = lo < cmin[c] ? lo : cmin[c];
            cmax[c] = hi > cmax[c] ? hi : cmax[c];
          }
        } else {
          for (size_t c = 0; c < channels; ++c) {
            ScanResult r = scan(row + c * inner, inner);
            cmin[c] = std::min(cmin[c], r.min);
            cmax[c] = std::max(cmax[c], r.max);
          }
        }
      }
    }
    for (size_t c = 0; c < channels; ++c) {
      s.channelMin[c] = std::min(s.channelMin[c], double(chanMin_[c]));
      s.channelMax[c] = std::max(s.channelMax[c], double(chanMax_[c]));
    }
  }
  return llvm::Error::success();
}
