// W trajectories' values in one SIMD vector (GCC/Clang vector extensions), for the CPU backend's
// lockstep path. Every operation is the scalar IEEE operation applied lane by lane, so a lane holds
// bit for bit what the scalar code computes for that trajectory: objectives and fdgd::gradient run
// unchanged with lanes as their value_type.
#pragma once
#if defined(__AVX__)
#include <immintrin.h>
#endif
#include <type_traits>

#include "fdgd/math.hpp"

namespace fdgd {

template <class T, int W>
struct lanes {
  typedef T vec __attribute__((vector_size(sizeof(T) * W)));
  vec v;

  lanes() = default;
  lanes(T s) : v(vec{} + s) {}  // NOLINT: broadcast, as T(1) does for a scalar
  static lanes from(vec x) {
    lanes r;
    r.v = x;
    return r;
  }
  T operator[](int w) const { return v[w]; }

  friend lanes operator+(lanes a, lanes b) { return from(a.v + b.v); }
  friend lanes operator-(lanes a, lanes b) { return from(a.v - b.v); }
  friend lanes operator*(lanes a, lanes b) { return from(a.v * b.v); }
  friend lanes operator/(lanes a, lanes b) { return from(a.v / b.v); }
  friend lanes operator-(lanes a) { return from(-a.v); }
  lanes& operator+=(lanes b) { return *this = *this + b; }
  lanes& operator-=(lanes b) { return *this = *this - b; }
  lanes& operator*=(lanes b) { return *this = *this * b; }
  lanes& operator/=(lanes b) { return *this = *this / b; }
};

/// x - x: 0 in every lane where x is finite, NaN where it is Inf or NaN. Summed over coordinates it
/// stays 0 exactly while everything is finite, so one all_zero() test checks a whole point.
template <class T, int W>
lanes<T, W> finite_probe(lanes<T, W> a) {
  return lanes<T, W>::from(a.v - a.v);
}

template <class T, int W>
bool all_zero(lanes<T, W> a) {
#if defined(__AVX__)
  if constexpr (std::is_same_v<T, double> && W == 4)  // one compare and a movemask, not four extractions
    return _mm256_movemask_pd(_mm256_cmp_pd(a.v, _mm256_setzero_pd(), _CMP_EQ_OQ)) == 0xF;
  if constexpr (std::is_same_v<T, float> && W == 8)
    return _mm256_movemask_ps(_mm256_cmp_ps(a.v, _mm256_setzero_ps(), _CMP_EQ_OQ)) == 0xFF;
#endif
  const auto is_zero = a.v == 0;  // -1 in lanes that are 0, 0 in lanes that are not (NaN included)
  bool ok = true;
  for (int w = 0; w < W; ++w) ok &= is_zero[w] != 0;
  return ok;
}

namespace math {

#define FDGD_LANES_UNARY(name)                   \
  template <class T, int W>                      \
  lanes<T, W> name(lanes<T, W> a) {              \
    lanes<T, W> r;                               \
    for (int w = 0; w < W; ++w) r.v[w] = name(a.v[w]); \
    return r;                                    \
  }
FDGD_LANES_UNARY(sqrt)
FDGD_LANES_UNARY(fabs)
#if defined(FDGD_LIBMVEC)
// A whole register at once, where the lanes are one AVX2 register; lane by lane otherwise.
#define FDGD_LANES_VECTOR(name)                                                 \
  template <class T, int W>                                                     \
  lanes<T, W> name(lanes<T, W> a) {                                             \
    if constexpr (std::is_same_v<T, double> && W == 4) {                        \
      return lanes<T, W>::from(_ZGVdN4v_##name(a.v));                           \
    } else if constexpr (std::is_same_v<T, float> && W == 8) {                  \
      return lanes<T, W>::from(_ZGVdN8v_##name##f(a.v));                        \
    } else {                                                                    \
      lanes<T, W> r;                                                            \
      for (int w = 0; w < W; ++w) r.v[w] = name(a.v[w]);                        \
      return r;                                                                 \
    }                                                                           \
  }
FDGD_LANES_VECTOR(exp)
FDGD_LANES_VECTOR(cos)
FDGD_LANES_VECTOR(sin)
#undef FDGD_LANES_VECTOR
#else
FDGD_LANES_UNARY(exp)
FDGD_LANES_UNARY(cos)
FDGD_LANES_UNARY(sin)
#endif
#undef FDGD_LANES_UNARY

}  // namespace math
}  // namespace fdgd
