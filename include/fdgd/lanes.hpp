// W trajectories' values in one SIMD vector (GCC/Clang vector extensions), for the CPU backend's
// lockstep path. Every operation is the scalar IEEE operation applied lane by lane, so a lane holds
// bit for bit what the scalar code computes for that trajectory: objectives and fdgd::gradient run
// unchanged with lanes as their value_type.
#pragma once
#if defined(__AVX__)
#include <immintrin.h>
#endif
#include <cstring>
#include <limits>
#include <type_traits>

#include "fdgd/config.hpp"  // FDGD_COMPILED_BY
#include "fdgd/finite.hpp"
#include "fdgd/math.hpp"

namespace fdgd {

/// W values of T as one GCC vector, one trajectory's a lane (see above): a register for the built-ins,
/// a 512-byte block in memory for the interpreter.
template <class T, int W>
struct lanes {
  typedef T vec __attribute__((vector_size(sizeof(T) * W)));
  vec v;

  lanes() = default;
  lanes(T s) : v(s - vec{}) {}  // NOLINT: broadcast, as T(1) does for a scalar (s - 0 keeps -0; 0 + s would not)
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

  // A constant of a wider floating type (0.1 in a float objective): the scalar code computes x * 0.1 in
  // double, lanes would round 0.1 to float first, and a start would not give alone what it gives in a
  // batch. Refused; T(0.1) is the same in both.
  template <class U>
  static constexpr bool wider = std::is_floating_point_v<U> && (sizeof(U) > sizeof(T));
  template <class U>
  static lanes refuse_wider() {
    static_assert(!wider<U>,
                  "fdgd: a lane_safe objective mixes a constant of a wider floating type into its lanes (0.1 with "
                  "float points): write it as T(0.1), or the lanes would round it where the scalar code does not");
    return {};
  }
  template <class U, std::enable_if_t<wider<U>, int> = 0>
  friend lanes operator+(lanes, U) {
    return refuse_wider<U>();
  }
  template <class U, std::enable_if_t<wider<U>, int> = 0>
  friend lanes operator+(U, lanes) {
    return refuse_wider<U>();
  }
  template <class U, std::enable_if_t<wider<U>, int> = 0>
  friend lanes operator-(lanes, U) {
    return refuse_wider<U>();
  }
  template <class U, std::enable_if_t<wider<U>, int> = 0>
  friend lanes operator-(U, lanes) {
    return refuse_wider<U>();
  }
  template <class U, std::enable_if_t<wider<U>, int> = 0>
  friend lanes operator*(lanes, U) {
    return refuse_wider<U>();
  }
  template <class U, std::enable_if_t<wider<U>, int> = 0>
  friend lanes operator*(U, lanes) {
    return refuse_wider<U>();
  }
  template <class U, std::enable_if_t<wider<U>, int> = 0>
  friend lanes operator/(lanes, U) {
    return refuse_wider<U>();
  }
  template <class U, std::enable_if_t<wider<U>, int> = 0>
  friend lanes operator/(U, lanes) {
    return refuse_wider<U>();
  }
};

/// Bytes of the widest vector register the build targets. Masks are built a register at a time: GCC
/// lowers a comparison of a wider generic vector (an --expr block of 64 lanes) to one scalar compare
/// a lane, about 6 instructions each, where a register's worth is one instruction.
#if defined(__AVX512F__)
inline constexpr int lane_register_bytes = 64;
#elif defined(__AVX__)
inline constexpr int lane_register_bytes = 32;
#else
inline constexpr int lane_register_bytes = 16;
#endif

/// Tells GCC that x may have changed in a vector register, at no cost: a value that lived across a
/// call (libmvec's cos) otherwise stays in its stack slot through the additions that follow, a load
/// and a store each (rastrigin d = 200 on the run-time path: 2.7x slower). See fdgd::register_barrier.
/// (Lanes wider than a register have none to be in; narrower than an SSE register, none GCC and
/// clang would take.)
template <class T, int W>
void register_barrier(lanes<T, W>& x) {
#if defined(__x86_64__)
  if constexpr (sizeof(x.v) >= 16 && sizeof(x.v) <= lane_register_bytes) asm("" : "+x"(x.v));
#endif
}

/// A register's worth of lanes (all of them when fewer), and integer vectors of their size.
template <class T, int W>
struct lane_registers {
  static constexpr int R = W * int(sizeof(T)) < lane_register_bytes ? W : lane_register_bytes / int(sizeof(T));
  using bits_t = std::conditional_t<sizeof(T) == 8, long long, int>;
  typedef T values __attribute__((vector_size(sizeof(T) * R)));
  typedef bits_t bits __attribute__((vector_size(sizeof(T) * R)));
  template <class V>
  static V part(const lanes<T, W>& a, int k) {  // lanes k .. k + R - 1
    V out;
    std::memcpy(&out, reinterpret_cast<const char*>(&a.v) + std::size_t(k) * sizeof(T), sizeof out);
    return out;
  }
};

/// True when any lane of the integer vector m is not zero: one AVX test for a register, or for wider
/// blocks the OR of their registers, rather than a branch a lane.
template <class Mask>
bool any_lane_set(const Mask& m) {
#if defined(__AVX__)
  if constexpr (sizeof(m) == 32) {
    return !_mm256_testz_si256(__m256i(m), __m256i(m));
  } else if constexpr (sizeof(m) % 32 == 0) {
    __m256i any = _mm256_setzero_si256();
    for (std::size_t k = 0; k < sizeof(m); k += 32) {
      __m256i part;
      std::memcpy(&part, reinterpret_cast<const char*>(&m) + k, 32);
      any = _mm256_or_si256(any, part);
    }
    return !_mm256_testz_si256(any, any);
  }
#endif
  bool any = false;
  for (std::size_t w = 0; w < sizeof(m) / sizeof(m[0]); ++w) any |= m[w] != 0;
  return any;
}

/// True when every lane is finite. Reads the exponent bits, as fdgd::is_finite does for one value,
/// so it survives -ffast-math.
template <class T, int W>
bool is_finite(lanes<T, W> a) {
  using L = lane_registers<T, W>;
  constexpr typename L::bits_t exponent = sizeof(T) == 8 ? 0x7ff0000000000000ll : 0x7f800000;
  typename L::bits inf_or_nan{};
  for (int k = 0; k < W; k += L::R) {
    const auto bits = L::template part<typename L::bits>(a, k);
    inf_or_nan |= (bits & exponent) == exponent;
  }
  return !any_lane_set(inf_or_nan);
}

/// True when, in some lane, every coordinate of the point b has the bits of a's (points of lanes).
template <class Point>
bool some_lane_unmoved(const Point& a, const Point& b) {
  using L = typename Point::value_type;
#if defined(__CUDACC__)  // nvcc's front end has no vector comparisons; its translation units run no lanes
  constexpr int W = int(sizeof(typename L::vec) / sizeof(a[0][0]));
  bool moved[W] = {};
  for (int j = 0; j < a.size(); ++j)
    for (int w = 0; w < W; ++w) moved[w] |= !same_bits(a[j][w], b[j][w]);
  for (int w = 0; w < W; ++w)
    if (!moved[w]) return true;
  return false;
#else
  using T = std::remove_cv_t<std::remove_reference_t<decltype(a[0][0])>>;
  constexpr int W = int(sizeof(typename L::vec) / sizeof(T));
  using R = lane_registers<T, W>;
  typename R::bits unmoved{};
  for (int k = 0; k < W; k += R::R) {
    typename R::bits moved{};
    for (int j = 0; j < a.size(); ++j)
      moved |= R::template part<typename R::bits>(a[j], k) != R::template part<typename R::bits>(b[j], k);
    unmoved |= ~moved;
  }
  return any_lane_set(unmoved);
#endif
}

/// True when v <= limit in any lane.
template <class T, int W>
bool any_at_most(lanes<T, W> v, T limit) {
#if defined(__CUDACC__)
  bool any = false;
  for (int w = 0; w < W; ++w) any |= v[w] <= limit;
  return any;
#else
  using L = lane_registers<T, W>;
  typename L::bits at_most{};
  for (int k = 0; k < W; k += L::R) at_most |= L::template part<typename L::values>(v, k) <= limit;
  return any_lane_set(at_most);
#endif
}

/// squares_decide (step.hpp) in every lane: finite, and none below the least normal value.
template <class T, int W>
bool squares_decide(lanes<T, W> squares) {
  constexpr T largest_subnormal = std::numeric_limits<T>::min() - std::numeric_limits<T>::denorm_min();
  return is_finite(squares) && !any_at_most(squares, largest_subnormal);
}

inline namespace FDGD_COMPILED_BY {  // as step.hpp's
/// norm_from_squares (step.hpp) lane by lane: each lane's norm from its own squares and coordinates.
template <class T, int W, class Coordinate>
lanes<T, W> norm_from_squares(lanes<T, W> squares, int n, const Coordinate& coordinate) {
  lanes<T, W> r;
  for (int w = 0; w < W; ++w) r.v[w] = norm_from_squares(squares[w], n, [&](int i) { return coordinate(i)[w]; });
  return r;
}
}  // namespace FDGD_COMPILED_BY

namespace math {
inline namespace FDGD_COMPILED_BY {  // as math.hpp's

#define FDGD_LANES_UNARY(name)                         \
  template <class T, int W>                            \
  lanes<T, W> name(lanes<T, W> a) {                    \
    lanes<T, W> r;                                     \
    for (int w = 0; w < W; ++w) r.v[w] = name(a.v[w]); \
    return r;                                          \
  }
FDGD_LANES_UNARY(sqrt)
FDGD_LANES_UNARY(fabs)
#if defined(FDGD_LIBMVEC)
// The native libmvec register (FDGD_LIBMVEC_BYTES) at a time, where the lanes fill whole registers;
// lane by lane otherwise, through the scalar function, which calls the same vector function.
#if FDGD_LIBMVEC_BYTES == 64
#define FDGD_LANES_NATIVE(name)                           \
  if constexpr (std::is_same_v<T, double> && W == 8)      \
    return lanes<T, W>::from(_ZGVeN8v_##name(a.v));       \
  else if constexpr (std::is_same_v<T, float> && W == 16) \
    return lanes<T, W>::from(_ZGVeN16v_##name##f(a.v));
#else
#define FDGD_LANES_NATIVE(name)                          \
  if constexpr (std::is_same_v<T, double> && W == 4)     \
    return lanes<T, W>::from(_ZGVdN4v_##name(a.v));      \
  else if constexpr (std::is_same_v<T, float> && W == 8) \
    return lanes<T, W>::from(_ZGVdN8v_##name##f(a.v));
#endif
#define FDGD_LANES_VECTOR(name)                                                                   \
  template <class T, int W>                                                                       \
  lanes<T, W> name(lanes<T, W> a) {                                                               \
    constexpr bool ieee = std::is_same_v<T, double> || std::is_same_v<T, float>;                  \
    constexpr int R = FDGD_LIBMVEC_BYTES / int(sizeof(T));                                        \
    FDGD_LANES_NATIVE(name)                                                                       \
    else if constexpr (ieee && W % R == 0) {                                                      \
      lanes<T, W> r;                                                                              \
      for (int w = 0; w < W; w += R) {                                                            \
        lanes<T, R> part;                                                                         \
        std::memcpy(&part.v, reinterpret_cast<const char*>(&a.v) + w * sizeof(T), sizeof part.v); \
        part = name(part);                                                                        \
        std::memcpy(reinterpret_cast<char*>(&r.v) + w * sizeof(T), &part.v, sizeof part.v);       \
      }                                                                                           \
      return r;                                                                                   \
    }                                                                                             \
    else {                                                                                        \
      lanes<T, W> r;                                                                              \
      for (int w = 0; w < W; ++w) r.v[w] = name(a.v[w]);                                          \
      return r;                                                                                   \
    }                                                                                             \
  }
FDGD_LANES_VECTOR(exp)
FDGD_LANES_VECTOR(cos)
FDGD_LANES_VECTOR(sin)
#undef FDGD_LANES_VECTOR
#undef FDGD_LANES_NATIVE
#else
FDGD_LANES_UNARY(exp)
FDGD_LANES_UNARY(cos)
FDGD_LANES_UNARY(sin)
#endif
#undef FDGD_LANES_UNARY

}  // namespace FDGD_COMPILED_BY
}  // namespace math
}  // namespace fdgd
