// a / b to the bits of IEEE division (round to nearest even) from y = 1 / b, for a divisor that stays
// fixed over many divisions, as 2h does in the central difference. The GPU has no division
// instruction: nvcc expands every `a / b` into a reciprocal estimate, Newton steps, a correction and
// a slow-path check, and redoes the reciprocal part each time. With y computed once, a quotient costs
// a multiply, four FMAs and an integer range check.
//
// Why it is exact (Markstein's theorem: if y is within half an ulp of 1/b and q is a faithful
// rounding of a/b, then e = b q - a is exact and RN(q - e y) = RN(a / b)): with p = 53 or 24 bits,
// q0 = RN(a y) is within 2^(1-p) relative of a/b; the first correction rounds a value within about
// 2^(2-2p) relative of a/b, so q1 is a faithful rounding; the second correction is Markstein's step. The ranges below keep
// every intermediate normal, where the theorem holds; any other a or b (zeros, subnormals, NaN,
// infinities) takes IEEE division itself. (One correction alone passed the same tests, but
// without a proof.) tests/quotient_test.cpp checks it against `/`.
#pragma once
#include "fdgd/config.hpp"
#if !defined(__CUDACC_RTC__)
#include <cmath>
#endif

namespace fdgd {

/// The a and b for which divide_by_reciprocal takes the reciprocal path, as binary exponents:
/// 2^a_min <= |a| < 2^(a_max + 1) and 2^b_min <= |b| < 2^(b_max + 1). Then |a / b| lies within
/// 2^±(a_max - b_min + 1), and the remainders (about 2^-p |a|) and their products with y stay normal.
template <class T>
struct reciprocal_division_range;
template <>
struct reciprocal_division_range<double> {
  static constexpr int a_min = -700, a_max = 700, b_min = -200, b_max = 200;
};
template <>
struct reciprocal_division_range<float> {
  static constexpr int a_min = -60, a_max = 60, b_min = -30, b_max = 30;
};

namespace detail {

FDGD_HD inline double fused_multiply_add(double a, double b, double c) { return ::fma(a, b, c); }
FDGD_HD inline float fused_multiply_add(float a, float b, float c) { return ::fmaf(a, b, c); }

/// The biased exponent field of v.
FDGD_HD inline unsigned biased_exponent(double v) {
#if defined(__CUDA_ARCH__)
  const unsigned high = unsigned(__double2hiint(v));
#else
  unsigned long long bits;
  __builtin_memcpy(&bits, &v, sizeof v);
  const unsigned high = unsigned(bits >> 32);
#endif
  return (high >> 20) & 0x7ffu;
}
FDGD_HD inline unsigned biased_exponent(float v) {
#if defined(__CUDA_ARCH__)
  const unsigned bits = __float_as_uint(v);
#else
  unsigned bits;
  __builtin_memcpy(&bits, &v, sizeof v);
#endif
  return (bits >> 23) & 0xffu;
}

/// True when 2^lo <= |v| < 2^(hi + 1): one unsigned compare for both bounds.
template <class T>
FDGD_HD bool exponent_within(T v, int lo, int hi) {
  constexpr int bias = sizeof(T) == 8 ? 1023 : 127;
  return biased_exponent(v) - unsigned(lo + bias) <= unsigned(hi - lo);
}

}  // namespace detail

/// a / b, bit for bit, given y = T(1) / b (float or double).
template <class T>
FDGD_HD T divide_by_reciprocal(T a, T b, T y) {
  using range = reciprocal_division_range<T>;
  if (!detail::exponent_within(b, range::b_min, range::b_max) || !detail::exponent_within(a, range::a_min, range::a_max))
    return a / b;
  const T q0 = a * y;
  const T q1 = detail::fused_multiply_add(-detail::fused_multiply_add(b, q0, -a), y, q0);
  return detail::fused_multiply_add(-detail::fused_multiply_add(b, q1, -a), y, q1);
}

}  // namespace fdgd
