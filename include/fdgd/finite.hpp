// Finiteness tests that read the exponent bits, so they keep working under -ffast-math or
// --use_fast_math, where std::isfinite may be folded to `true`.
#pragma once
#include "fdgd/config.hpp"
#if !defined(__CUDACC_RTC__)
#include <cstring>
#endif

namespace fdgd {

FDGD_HD inline bool is_finite(double v) {
#if defined(__CUDACC_RTC__)
  const auto bits = static_cast<unsigned long long>(__double_as_longlong(v));
#else
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
#endif
  return (bits & 0x7ff0000000000000ull) != 0x7ff0000000000000ull;
}

FDGD_HD inline bool is_finite(float v) {
#if defined(__CUDACC_RTC__)
  const auto bits = static_cast<unsigned int>(__float_as_int(v));
#else
  std::uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
#endif
  return (bits & 0x7f800000u) != 0x7f800000u;
}

/// Whether a and b are the same bits (+0 and -0 differ; so does every NaN from a number).
FDGD_HD inline bool same_bits(double a, double b) {
#if defined(__CUDACC_RTC__)
  return __double_as_longlong(a) == __double_as_longlong(b);
#else
  std::uint64_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
#endif
}

FDGD_HD inline bool same_bits(float a, float b) {
#if defined(__CUDACC_RTC__)
  return __float_as_int(a) == __float_as_int(b);
#else
  std::uint32_t x, y;
  std::memcpy(&x, &a, sizeof x);
  std::memcpy(&y, &b, sizeof y);
  return x == y;
#endif
}

}  // namespace fdgd
