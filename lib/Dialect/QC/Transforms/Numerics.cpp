//===- Numerics.cpp - Scalar helpers of the QC numerics contract ----------===//
#include "qc/Dialect/QC/Transforms/Numerics.h"

#include <cmath>

using namespace qc;

std::optional<RequantMultiplier> qc::computeRequantMultiplier(double ratio) {
  if (!std::isfinite(ratio) || !(ratio > 0.0))
    return std::nullopt;
  int exponent = 0;
  double mantissa = std::frexp(ratio, &exponent); // in [0.5, 1)
  // mantissa * 2^31 is exact (a power-of-two scaling); std::round rounds
  // half away from zero.
  int64_t scaled = static_cast<int64_t>(std::round(std::ldexp(mantissa, 31)));
  if (scaled == (int64_t(1) << 31)) {
    scaled /= 2;
    ++exponent;
  }
  // Avoid overflowing int arithmetic for extreme exponents (denormals).
  int64_t shift = 31 - static_cast<int64_t>(exponent);
  if (shift < 2)
    return std::nullopt;
  if (shift > 62) {
    scaled >>= std::min<int64_t>(31, shift - 62);
    shift = 62;
  }
  return RequantMultiplier{static_cast<int32_t>(scaled),
                           static_cast<int32_t>(shift)};
}

int64_t qc::requantRoundingTerm(int32_t shift, bool doubleRound,
                                bool valueNonNegative) {
  int64_t round = int64_t(1) << (shift - 1);
  if (doubleRound && shift > 31)
    round += valueNonNegative ? (int64_t(1) << 30) : -(int64_t(1) << 30);
  return round;
}

int64_t qc::applyScale(int64_t value, RequantMultiplier m, bool doubleRound) {
  // |value| < 2^32 and 0 <= multiplier < 2^31, so the product fits int64;
  // the sum with the rounding term may not, so split it (see Numerics.md).
  int64_t product = value * static_cast<int64_t>(m.multiplier);
  int64_t round = requantRoundingTerm(m.shift, doubleRound, value >= 0);
  int64_t high = product >> m.shift; // floor division by 2^shift
  int64_t low = product & ((int64_t(1) << m.shift) - 1);
  int64_t threshold = (int64_t(1) << m.shift) - round;
  return high + (low >= threshold ? 1 : 0);
}

bool qc::requantFitsInt64(uint64_t maxAbsValue, RequantMultiplier m,
                          bool doubleRound) {
  unsigned __int128 worst =
      static_cast<unsigned __int128>(maxAbsValue) *
          static_cast<uint64_t>(m.multiplier) +
      static_cast<uint64_t>(requantRoundingTerm(m.shift, doubleRound, true));
  return worst <= static_cast<unsigned __int128>(INT64_MAX);
}
