// Numerical gradients. `central` is the reference scheme of the seed: for each coordinate i,
//   f1 = f(x with x[i] = x[i] + h); f2 = f(x with x[i] = x[i] - h); g[i] = (f1 - f2) / (2h)
// The objective sees the perturbed point through a view (x itself is never written), which gives the
// same values bit for bit as the seed's perturb-and-restore. Further schemes (forward, five-point,
// Ridders) become further tag types here.
#pragma once
#include "fdgd/config.hpp"
#include "fdgd/point.hpp"

namespace fdgd {

/// Tag for the central difference (f(x+h) - f(x-h)) / (2h): error O(h^2), 2 evaluations per coordinate.
struct central_difference {};

/// `base` with coordinate i replaced by `value`: what f is evaluated at during differencing.
template <class Point>
struct perturbed_point {
  using value_type = typename Point::value_type;
  const Point& base;
  int i;
  value_type value;
  FDGD_HD constexpr int size() const { return base.size(); }
  FDGD_HD value_type operator[](int j) const { return j == i ? value : base[j]; }
};

namespace detail {

/// Fixed points up to this dimension unroll the loop over coordinates completely (every index a
/// constant, no selects); larger ones keep it rolled, so the code stays small enough to compile fast
/// and to fit the instruction cache, and read/write coordinate i by an unrolled select. On the host,
/// every compile-time dimension built in (up to 32) unrolls: measured 20% faster for rosenbrock
/// d = 16 and ackley d = 32 (bench_sweep, fused, N = 2^14), for a few seconds more of compilation.
#if defined(__CUDA_ARCH__)
inline constexpr int full_unroll_dim = 8;
#else
inline constexpr int full_unroll_dim = 32;
#endif

template <class Point>
struct rolled_gradient : std::false_type {};
template <class T, int D>
struct rolled_gradient<fixed_point<T, D>> : std::bool_constant<(D > full_unroll_dim)> {};

template <class T, int D>
FDGD_HD T select_coordinate(const fixed_point<T, D>& x, int i) {
  T v = x[0];
  FDGD_UNROLL
  for (int j = 1; j < D; ++j) v = j == i ? x[j] : v;
  return v;
}

template <class T, int D>
FDGD_HD void assign_coordinate(fixed_point<T, D>& x, int i, T v) {
  FDGD_UNROLL
  for (int j = 0; j < D; ++j) x[j] = j == i ? v : x[j];
}

/// df/dx_i by the central difference at x, where t == x[i].
template <class Objective, class Point, class T>
FDGD_HD T central_partial(const Objective& f, const Point& x, int i, T t, T h, T two_h) {
  const T f1 = f(perturbed_point<Point>{x, i, t + h});
  const T f2 = f(perturbed_point<Point>{x, i, t - h});
  return (f1 - f2) / two_h;
}

}  // namespace detail

/// Writes the central-difference gradient of `f` at `x` into `g` (of x's size).
template <class Objective, class Point, class Gradient, class T>
FDGD_HD void gradient(central_difference, const Objective& f, const Point& x, Gradient& g, T h) {
  const T two_h = T(2) * h;
  if constexpr (detail::rolled_gradient<Point>::value) {
    FDGD_NO_UNROLL
    for (int i = 0; i < x.size(); ++i)
      detail::assign_coordinate(g, i, detail::central_partial(f, x, i, detail::select_coordinate(x, i), h, two_h));
  } else {
    FDGD_UNROLL
    for (int i = 0; i < x.size(); ++i) g[i] = detail::central_partial(f, x, i, x[i], h, two_h);
  }
}

}  // namespace fdgd
