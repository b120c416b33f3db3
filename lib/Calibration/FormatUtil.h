//===- FormatUtil.h - Number formatting for calibration messages -*- C++
//-*-===//
#ifndef QC_LIB_CALIBRATION_FORMATUTIL_H
#define QC_LIB_CALIBRATION_FORMATUTIL_H

#include <cstdio>
#include <cstdlib>
#include <string>

namespace qc::calib::detail {
/// The shortest %g spelling of `v` that reads back as `v` ("0.8", "1e-30",
/// "nan", "inf"), for error messages.
inline std::string fmtNum(double v) {
  char buf[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v)
      break;
  }
  return buf;
}
} // namespace qc::calib::detail

#endif // QC_LIB_CALIBRATION_FORMATUTIL_H
