// Elementary functions overloaded for float and double, so that objectives templated on the scalar
// stay in single precision when T = float, on the host, under nvcc and under NVRTC alike.
#pragma once
#include "fdgd/config.hpp"
#if !defined(__CUDACC_RTC__)
#include <cmath>
#endif

namespace fdgd::math {

inline constexpr double pi = 3.141592653589793238462643383279502884;
inline constexpr double e = 2.718281828459045235360287471352662498;

#define FDGD_MATH_UNARY(name)                                   \
  FDGD_HD inline double name(double v) { return ::name(v); }    \
  FDGD_HD inline float name(float v) { return ::name##f(v); }
FDGD_MATH_UNARY(sqrt)
FDGD_MATH_UNARY(exp)
FDGD_MATH_UNARY(cos)
FDGD_MATH_UNARY(sin)
FDGD_MATH_UNARY(fabs)
#undef FDGD_MATH_UNARY

}  // namespace fdgd::math
