//===- Numerics.h - Scalar helpers of the QC numerics contract --*- C++ -*-===//
//
// Compile-time pieces of the numerics contract (docs/Numerics.md) that the
// qc-lower-quant pass needs, and scalar reference implementations of the
// integer requantization used by tests.
//
//===----------------------------------------------------------------------===//
#ifndef QC_DIALECT_QC_TRANSFORMS_NUMERICS_H
#define QC_DIALECT_QC_TRANSFORMS_NUMERICS_H

#include <cstdint>
#include <optional>

namespace qc {

/// A rescale factor as a 31-bit multiplier and a right shift:
/// value * ratio ~= value * multiplier / 2^shift.
struct RequantMultiplier {
  int32_t multiplier = 0;
  int32_t shift = 0;
};

/// Converts `ratio` (= s_in / s_out) to a multiplier and shift with the TOSA
/// convention for 32-bit scales: frexp mantissa scaled by 2^31 and rounded
/// half away from zero (renormalized when it reaches 2^31), shift = 31 - exp;
/// shifts above 62 are capped at 62 by shifting the multiplier right.
/// Returns std::nullopt when `ratio` is not finite and > 0, or when the shift
/// would be below 2 (ratio of about 2^29 or more).
std::optional<RequantMultiplier> computeRequantMultiplier(double ratio);

/// The rounding constant TOSA apply_scale adds before the shift:
/// 2^(shift-1), and for double rounding with shift > 31 plus 2^30 when
/// `value` >= 0, minus 2^30 when `value` < 0.
int64_t requantRoundingTerm(int32_t shift, bool doubleRound,
                            bool valueNonNegative);

/// floor((value * multiplier + round) / 2^shift), exactly, for any value
/// with |value| < 2^32 (TOSA apply_scale without its input range limit).
/// Scalar reference of the integer requantize modes.
int64_t applyScale(int64_t value, RequantMultiplier m, bool doubleRound);

/// True when value * multiplier + round cannot overflow int64 for every
/// |value| <= maxAbsValue, so the lowering may use the plain 64-bit formula.
bool requantFitsInt64(uint64_t maxAbsValue, RequantMultiplier m,
                      bool doubleRound);

} // namespace qc

#endif // QC_DIALECT_QC_TRANSFORMS_NUMERICS_H
