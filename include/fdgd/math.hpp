// Elementary functions overloaded for float and double, so that objectives templated on the scalar
// stay in single precision when T = float, on the host, under nvcc and under NVRTC alike.
#pragma once
#include "fdgd/config.hpp"
#if !defined(__CUDACC_RTC__)
#include <cmath>
#endif

// On x86-64 glibc hosts with AVX2, exp, cos and sin come from glibc's vector math library (libmvec),
// for one value as for a SIMD vector of them: each lane's result depends only on its own input, so
// the CPU's scalar and lockstep paths give the same bits, and the lockstep path runs a register of
// them for the price of about one. A build for AVX-512 (e.g. -march=native on such a CPU) takes the
// 512-bit functions everywhere, scalar included, since they need not give the AVX2 ones' bits.
// libmvec's functions are accurate to a few ulp.
#if !defined(__CUDA_ARCH__) && !defined(__CUDACC_RTC__) && defined(__x86_64__) && defined(__AVX2__) && defined(__GLIBC__) && \
    !defined(FDGD_NO_LIBMVEC)
#define FDGD_LIBMVEC 1
#include <immintrin.h>
extern "C" {
#if defined(__AVX512F__)
#define FDGD_LIBMVEC_BYTES 64
__m512d _ZGVeN8v_exp(__m512d);
__m512d _ZGVeN8v_cos(__m512d);
__m512d _ZGVeN8v_sin(__m512d);
__m512 _ZGVeN16v_expf(__m512);
__m512 _ZGVeN16v_cosf(__m512);
__m512 _ZGVeN16v_sinf(__m512);
#else
#define FDGD_LIBMVEC_BYTES 32
__m256d _ZGVdN4v_exp(__m256d);
__m256d _ZGVdN4v_cos(__m256d);
__m256d _ZGVdN4v_sin(__m256d);
__m256 _ZGVdN8v_expf(__m256);
__m256 _ZGVdN8v_cosf(__m256);
__m256 _ZGVdN8v_sinf(__m256);
#endif
}
#endif

namespace fdgd::math {

inline constexpr double pi = 3.141592653589793238462643383279502884;
inline constexpr double e = 2.718281828459045235360287471352662498;

// The functions' code depends on the flags (libmvec's with AVX2 or AVX-512, the C library's without),
// so it lives under the build's names (config.hpp): a program's file built another way keeps its own.
inline namespace FDGD_COMPILED_BY {

#define FDGD_MATH_UNARY(name)                                \
  FDGD_HD inline double name(double v) { return ::name(v); } \
  FDGD_HD inline float name(float v) { return ::name##f(v); }
FDGD_MATH_UNARY(sqrt)
FDGD_MATH_UNARY(fabs)

#if defined(FDGD_LIBMVEC)
#if FDGD_LIBMVEC_BYTES == 64
#define FDGD_MATH_VECTOR(name)                                                                  \
  inline double name(double v) { return _mm512_cvtsd_f64(_ZGVeN8v_##name(_mm512_set1_pd(v))); } \
  inline float name(float v) { return _mm512_cvtss_f32(_ZGVeN16v_##name##f(_mm512_set1_ps(v))); }
#else
#define FDGD_MATH_VECTOR(name)                                                                  \
  inline double name(double v) { return _mm256_cvtsd_f64(_ZGVdN4v_##name(_mm256_set1_pd(v))); } \
  inline float name(float v) { return _mm256_cvtss_f32(_ZGVdN8v_##name##f(_mm256_set1_ps(v))); }
#endif
FDGD_MATH_VECTOR(exp)
FDGD_MATH_VECTOR(cos)
FDGD_MATH_VECTOR(sin)
#undef FDGD_MATH_VECTOR
#else
FDGD_MATH_UNARY(exp)
FDGD_MATH_UNARY(cos)
FDGD_MATH_UNARY(sin)
#endif
#undef FDGD_MATH_UNARY

/// v * v, the same bits, computed where it is written: on the device the compiler may not merge it
/// with an equal product elsewhere and hold that in a register in between (a sum-structured
/// objective's term_from_kept recomputes a square rather than keep it: fdgd/sum_structure.hpp).
template <class T>
FDGD_HD T fresh_square(T v) {
  return v * v;
}
#if defined(__CUDA_ARCH__)
__device__ inline double fresh_square(double v) {
  double r;
  asm volatile("mul.rn.f64 %0, %1, %1;" : "=d"(r) : "d"(v));
  return r;
}
__device__ inline float fresh_square(float v) {
  float r;
  asm volatile("mul.rn.f32 %0, %1, %1;" : "=f"(r) : "f"(v));
  return r;
}
#endif

/// The smaller of a and b as C's fmin, a NaN passing over to the other operand, and of two zeros -0
/// when either is (IEEE 754-2019's minimumNumber), which C leaves open: written out in arithmetic,
/// so that --expr's min gives the same bits on the CPU and the GPU (whose libraries need not pick
/// the same zero).
template <class T>
FDGD_HD T min_number(T a, T b) {
  if (b != b || a < b) return a;
  if (a != a || b < a) return b;
  return a == T(0) ? -(-a - b) : a;  // a == b; of two zeros, -(-a - b) is +0 only when both are
}

/// The larger of a and b, as min_number: a NaN passes over, and of two zeros +0 when either is.
template <class T>
FDGD_HD T max_number(T a, T b) {
  if (b != b || a > b) return a;
  if (a != a || b > a) return b;
  return a == T(0) ? a + b : a;  // a == b; of two zeros, a + b is -0 only when both are
}

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd::math

#if !defined(__CUDACC_RTC__)
// The same functions over fdgd::lanes (defined in lanes.hpp), declared here so that templates
// defined before lanes.hpp is included (step.hpp, the objectives) find them.
namespace fdgd {
template <class T, int W>
struct lanes;
namespace math {
inline namespace FDGD_COMPILED_BY {
template <class T, int W>
lanes<T, W> sqrt(lanes<T, W>);
template <class T, int W>
lanes<T, W> exp(lanes<T, W>);
template <class T, int W>
lanes<T, W> cos(lanes<T, W>);
template <class T, int W>
lanes<T, W> sin(lanes<T, W>);
template <class T, int W>
lanes<T, W> fabs(lanes<T, W>);
}  // namespace FDGD_COMPILED_BY
}  // namespace math
}  // namespace fdgd
#endif
