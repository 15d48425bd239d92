// Finiteness tests that read the exponent bits, so they keep working under -ffast-math or
// --use_fast_math, where std::isfinite may be folded to `true`.
#pragma once
#include "fdgd/config.hpp"
#if !defined(__CUDACC_RTC__)
#include <cstring>
#endif

namespace fdgd {

/// The bits of v, as an unsigned integer of its size.
FDGD_HD inline unsigned long long bits_of(double v) {
#if defined(__CUDACC_RTC__)
  return static_cast<unsigned long long>(__double_as_longlong(v));
#else
  unsigned long long bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
#endif
}

FDGD_HD inline unsigned int bits_of(float v) {
#if defined(__CUDACC_RTC__)
  return static_cast<unsigned int>(__float_as_int(v));
#else
  unsigned int bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
#endif
}

#if !defined(__CUDACC_RTC__)
/// The float or double whose bits are b: bits_of's inverse (host code).
template <class T>
T from_bits(decltype(bits_of(T())) b) {
  T v;
  std::memcpy(&v, &b, sizeof v);
  return v;
}

/// v, or for any NaN the one quiet NaN of positive sign. Which NaN an invalid operation (inf - inf)
/// gives is the hardware's choice: x86 sets the sign, NVIDIA GPUs do not. Results pass through this,
/// so the CPU and the GPU write the same bits for a non-finite trajectory too.
/// (A NaN is told by its bits, as is_finite tells infinities: `v == v` folds to true under fast math.)
FDGD_HD inline double canonical_nan(double v) {
  constexpr unsigned long long nan = 0x7ff8000000000000ull;
  if ((bits_of(v) & 0x7fffffffffffffffull) <= 0x7ff0000000000000ull) return v;
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(static_cast<long long>(nan));
#else
  return from_bits<double>(nan);
#endif
}

/// Whether a double becomes an infinity as a float: |v| at or past halfway from FLT_MAX (0x1.fffffep127)
/// to 2^128, where rounding to nearest leaves float's range. Anything short of that, FLT_MAX's own
/// shortest text 3.4028235e+38 among them, is a finite float. NaN: false.
inline bool beyond_float(double v) { return v >= 0x1.ffffffp127 || v <= -0x1.ffffffp127; }
#endif

FDGD_HD inline bool is_finite(double v) { return (bits_of(v) & 0x7ff0000000000000ull) != 0x7ff0000000000000ull; }
FDGD_HD inline bool is_finite(float v) { return (bits_of(v) & 0x7f800000u) != 0x7f800000u; }

/// Whether v is a NaN, told by its bits.
FDGD_HD inline bool is_nan(double v) { return (bits_of(v) & 0x7fffffffffffffffull) > 0x7ff0000000000000ull; }
FDGD_HD inline bool is_nan(float v) { return (bits_of(v) & 0x7fffffffu) > 0x7f800000u; }

/// Whether a and b are the same bits (+0 and -0 differ; so does every NaN from a number).
FDGD_HD inline bool same_bits(double a, double b) { return bits_of(a) == bits_of(b); }
FDGD_HD inline bool same_bits(float a, float b) { return bits_of(a) == bits_of(b); }

}  // namespace fdgd
