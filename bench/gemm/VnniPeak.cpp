//===- VnniPeak.cpp - vpdpbusd zmm throughput microbenchmark ---------------===//
//
// Compiled with -mavx512vnni: independent accumulator chains so that the
// 4-5 cycle latency of vpdpbusd is hidden and the issue rate is measured.
//
//===----------------------------------------------------------------------===//
#include "GemmBench.h"

#include <immintrin.h>

namespace qc::bench {

bool hostHasAvx512Vnni() {
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512vnni");
}

// The loop body is one asm block so that the compiler adds no register
// moves between the destructive vpdpbusd's: exactly N per iteration.
#define QC_DP(i) "vpdpbusd %[b], %[a], %[c" #i "]\n\t"
#define QC_ACC(i) [c##i] "+v"(c##i)
template <int N> static int64_t peakLoop(int64_t iterations) {
  static_assert(N == 10 || N == 12 || N == 14, "accumulator count");
  __m512i c0 = _mm512_set1_epi32(0), c1 = _mm512_set1_epi32(1),
          c2 = _mm512_set1_epi32(2), c3 = _mm512_set1_epi32(3),
          c4 = _mm512_set1_epi32(4), c5 = _mm512_set1_epi32(5),
          c6 = _mm512_set1_epi32(6), c7 = _mm512_set1_epi32(7),
          c8 = _mm512_set1_epi32(8), c9 = _mm512_set1_epi32(9),
          c10 = _mm512_set1_epi32(10), c11 = _mm512_set1_epi32(11),
          c12 = _mm512_set1_epi32(12), c13 = _mm512_set1_epi32(13),
          c14 = _mm512_set1_epi32(14), c15 = _mm512_set1_epi32(15);
  (void)c14, (void)c15;
  __m512i a = _mm512_set1_epi32(0x01020304);
  __m512i b = _mm512_set1_epi32(0x01ff01ff);
  for (int64_t it = 0; it < iterations; ++it) {
    if constexpr (N == 10)
      asm volatile(QC_DP(0) QC_DP(1) QC_DP(2) QC_DP(3) QC_DP(4) QC_DP(5)
                       QC_DP(6) QC_DP(7) QC_DP(8) QC_DP(9)
                   : QC_ACC(0), QC_ACC(1), QC_ACC(2), QC_ACC(3), QC_ACC(4),
                     QC_ACC(5), QC_ACC(6), QC_ACC(7), QC_ACC(8), QC_ACC(9)
                   : [a] "v"(a), [b] "v"(b));
    if constexpr (N == 12)
      asm volatile(QC_DP(0) QC_DP(1) QC_DP(2) QC_DP(3) QC_DP(4) QC_DP(5)
                       QC_DP(6) QC_DP(7) QC_DP(8) QC_DP(9) QC_DP(10) QC_DP(11)
                   : QC_ACC(0), QC_ACC(1), QC_ACC(2), QC_ACC(3), QC_ACC(4),
                     QC_ACC(5), QC_ACC(6), QC_ACC(7), QC_ACC(8), QC_ACC(9),
                     QC_ACC(10), QC_ACC(11)
                   : [a] "v"(a), [b] "v"(b));
    if constexpr (N == 14) // 2 x 14 + 2 operands: the asm limit is 30
      asm volatile(QC_DP(0) QC_DP(1) QC_DP(2) QC_DP(3) QC_DP(4) QC_DP(5)
                       QC_DP(6) QC_DP(7) QC_DP(8) QC_DP(9) QC_DP(10) QC_DP(11)
                           QC_DP(12) QC_DP(13)
                   : QC_ACC(0), QC_ACC(1), QC_ACC(2), QC_ACC(3), QC_ACC(4),
                     QC_ACC(5), QC_ACC(6), QC_ACC(7), QC_ACC(8), QC_ACC(9),
                     QC_ACC(10), QC_ACC(11), QC_ACC(12), QC_ACC(13)
                   : [a] "v"(a), [b] "v"(b));
  }
  __m512i all[16] = {c0, c1, c2,  c3,  c4,  c5,  c6,  c7,
                     c8, c9, c10, c11, c12, c13, c14, c15};
  __m512i sum = all[0];
  for (int i = 1; i < N; ++i)
    sum = _mm512_add_epi32(sum, all[i]);
  alignas(64) int32_t lanes[16];
  _mm512_store_si512(lanes, sum);
  int64_t total = 0;
  for (int32_t v : lanes)
    total += v;
  return total;
}
#undef QC_ACC
#undef QC_DP

int64_t vnniPeakKernel(int64_t iterations, int accumulators) {
  switch (accumulators) {
  case 10: return peakLoop<10>(iterations);
  case 12: return peakLoop<12>(iterations);
  default: return peakLoop<14>(iterations);
  }
}

} // namespace qc::bench
