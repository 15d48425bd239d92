// The per-trajectory descent: the single source of truth for what a step computes. Backends only
// decide where it runs (an OpenMP loop, one CUDA thread per trajectory) and how often it is launched.
#pragma once
#include "fdgd/config.hpp"
#include "fdgd/difference.hpp"
#include "fdgd/finite.hpp"
#include "fdgd/math.hpp"
#include "fdgd/point.hpp"

namespace fdgd {

/// Where a trajectory stands. Stored as one byte per trajectory.
enum class trajectory_status : std::uint8_t {
  running = 0,   ///< still descending (only seen between launches)
  finished = 1,  ///< did every requested step
  /// gradient norm at the final point (before a step, or after the last) at most options::gtol, where
  /// x +- h differ
  converged = 2,
  /// a step would have produced NaN or Inf (the last finite point is kept), or f (or, after every
  /// step or at a stall, the gradient norm) is NaN or infinite at the final point
  nonfinite = 3,
  /// with options::gtol on, a step that would leave every bit of x as it is (an lr far below x's
  /// spacing): x never moves again and never converges; stopped early, where every later step would
  /// have left it
  stalled = 4,
  /// ended (finished, or stalled) at a point where some x_i + h and x_i - h are the same number: the
  /// central difference there is 0 whatever f does, so x_i was frozen and f and the gradient norm there
  /// say nothing of a minimum. The trajectory diverged, to about 2^53 h (2^24 h in f32) or beyond, or h is
  /// too small for x.
  unresolved = 5,
};

/// Step parameters in the working precision T (already validated by fdgd::options).
template <class T>
struct step_params {
  T lr;
  T h;
  T gtol;                    ///< 0 disables the convergence test
  std::int64_t total_steps;  ///< steps a trajectory does in all, over every launch
  /// The largest s with sqrt(s) <= gtol in T (detail::gtol_squared_limit): sqrt rounds correctly, so
  /// it is monotone and |g| <= gtol exactly when the sum of squares (+0 or more, or NaN) is at most
  /// this, with no sqrt.
  T gtol_squared;
};

// The step's code, under the names of the compiler and build that compile it (config.hpp).
inline namespace FDGD_COMPILED_BY {

/// Sum of the squares of the first n entries of g, in index order.
template <class Gradient>
FDGD_HD auto squared_norm(const Gradient& g, int n) -> typename Gradient::value_type {
  typename Gradient::value_type sum = 0;
  FDGD_UNROLL
  for (int i = 0; i < n; ++i) sum += g[i] * g[i];
  return sum;
}

/// The least positive normal value of T: a sum of squares below it has lost the bits of its smaller
/// squares (or all of them, at 0 for a gradient below about 1e-162).
FDGD_HD inline double least_normal(double) { return 0x1p-1022; }
FDGD_HD inline float least_normal(float) { return 0x1p-126f; }

/// Whether a sum of squares is the norm's square to rounding, finite and normal: it then decides the
/// gtol test alone (squares_reach_gtol). Past it (an overflow to inf, a sum that underflowed and lost
/// bits, NaN) the norm itself, rescaled (norm_from_squares), decides, as it does the status at the end.
FDGD_HD inline bool squares_decide(double squares) { return is_finite(squares) && squares >= least_normal(squares); }
FDGD_HD inline bool squares_decide(float squares) { return is_finite(squares) && squares >= least_normal(squares); }

/// The Euclidean norm of coordinate(0), ..., coordinate(n - 1), one trajectory's T values, given their
/// squares' sum in index order: its square root where that sum is finite and normal (the same bits as
/// ever), NaN where one is NaN; otherwise (an overflow to inf above about 1.3e154, 1.8e19 in f32, or
/// an underflow) the largest |value| times the norm of the values divided by it, which neither
/// overflows nor underflows short of a norm beyond T's range.
template <class T, class Coordinate>
FDGD_HD T norm_from_squares(T squares, int n, const Coordinate& coordinate) {
  if (squares_decide(squares)) return math::sqrt(squares);
  if (is_nan(squares)) return squares;
  T largest = 0;
  for (int i = 0; i < n; ++i) {
    const T a = math::fabs(coordinate(i));
    if (a > largest) largest = a;
  }
  if (largest == T(0) || !is_finite(largest)) return largest;
  T scaled = 0;
  for (int i = 0; i < n; ++i) scaled += (coordinate(i) / largest) * (coordinate(i) / largest);
  return largest * math::sqrt(scaled);
}

/// Euclidean norm of the first n entries of g, exact to rounding wherever the sum of their squares
/// neither overflows nor underflows, and a few ulp off where it does (norm_from_squares).
template <class Gradient>
FDGD_HD auto norm(const Gradient& g, int n) -> typename Gradient::value_type {
  return norm_from_squares(squared_norm(g, n), n, [&](int i) { return g[i]; });
}

/// v <= limit; fdgd::lanes overloads it as "in any lane".
FDGD_HD inline bool any_at_most(double v, double limit) { return v <= limit; }
FDGD_HD inline bool any_at_most(float v, float limit) { return v <= limit; }

/// The convergence test on a gradient's squared norm (squared_norm): on (gtol > 0) and |g| <= gtol
/// (for fdgd::lanes: in any lane), decided bit for bit as sqrt(squares) <= gtol would, where the
/// squares decide (squares_decide).
template <class Squares, class T>
FDGD_HD bool squares_reach_gtol(const Squares& squares, const step_params<T>& p) {
  return p.gtol > T(0) && any_at_most(squares, p.gtol_squared);
}

/// The convergence test on g itself, squared_norm computed only where gtol is on: |g| <= gtol, by the
/// squares where they decide, else by the norm (the same |g| the run reports at the end).
template <class Gradient, class T>
FDGD_HD bool reaches_gtol(const Gradient& g, int n, const step_params<T>& p) {
  if (!(p.gtol > T(0))) return false;
  const T squares = squared_norm(g, n);
  if (squares_decide(squares)) return squares_reach_gtol(squares, p);
  return norm_from_squares(squares, n, [&](int i) { return g[i]; }) <= p.gtol;
}

/// False when x[i] + h and x[i] - h are the same number for some i (|x[i]| from about 2^53 h on, 2^24 h in f32):
/// the central difference there is 0 whatever f does (NaN where f is not finite there), so a small
/// gradient is no sign of convergence.
template <class Point, class T>
FDGD_HD bool difference_resolves(const Point& x, T h) {
  for (int i = 0; i < x.size(); ++i)
    if (x[i] + h == x[i] - h) return false;
  return true;
}

/// The status a trajectory ends with, from its final point x and f and the gradient norm there:
/// unresolved where it ended finished or stalled but the central difference cannot see f at x;
/// else nonfinite where f(x) is NaN or infinite, so that no minimum is claimed there (-sin(x0) / x0
/// at 0 converges: f(0 +- h) are finite and their difference 0), or where the gradient norm is (a
/// step from there would leave x's finite values: sqrt(x0) at 0 after its last step, or with no
/// steps); converged where it did every step and the last one reached gtol (which descend tests only
/// before a step).
template <class Point, class T>
FDGD_HD trajectory_status final_status(trajectory_status s, const Point& x, T fx, T grad_norm, const step_params<T>& p) {
  if (s == trajectory_status::converged && !is_finite(fx)) return trajectory_status::nonfinite;
  if (s != trajectory_status::finished && s != trajectory_status::stalled) return s;
  if (!difference_resolves(x, p.h)) return trajectory_status::unresolved;
  if (!is_finite(fx) || !is_finite(grad_norm)) return trajectory_status::nonfinite;
  return s == trajectory_status::finished && p.gtol > T(0) && grad_norm <= p.gtol ? trajectory_status::converged : s;
}

/// Whether every coordinate of y has x's bits.
template <class Point, class Other>
FDGD_HD bool same_point(const Point& x, const Other& y) {
  for (int i = 0; i < x.size(); ++i)
    if (!same_bits(x[i], y[i])) return false;
  return true;
}

/// Writes the candidate point of the seed's update, x - lr * g, over g. True when every coordinate
/// of it is finite (for fdgd::lanes: in every lane); x is not touched.
template <class Point, class Gradient, class LearningRate>
FDGD_HD bool candidate_step(const Point& x, Gradient& g, LearningRate lr) {
  bool finite = true;
  FDGD_UNROLL
  for (int i = 0; i < x.size(); ++i) {
    g[i] = x[i] - lr * g[i];
    finite &= is_finite(g[i]);
  }
  return finite;
}

}  // namespace FDGD_COMPILED_BY
namespace detail {
inline namespace FDGD_COMPILED_BY {
/// Whether descend runs a loop of its own when gtol is 0. With a few coordinates in registers the
/// compiler computes the convergence test every step rather than branch around it (nvcc 13, sphere
/// d = 2: 9 of the step's 45 FP64 instructions, gtol on or off); larger steps branch, and a second
/// copy of their loop would only cost compile time.
template <class Point>
struct gtol_free_loop {
  static constexpr bool value = false;
};
template <class T, int D>
struct gtol_free_loop<fixed_point<T, D>> {
  static constexpr bool value = D <= 4;
};

/// descend's loop. GtolOff leaves out the convergence and stall tests, for gtol = 0 where neither fires.
template <bool GtolOff, class Objective, class Point, class Gradient, class T>
FDGD_HD trajectory_status descend_steps(const Objective& f, Point& x, Gradient& g, const step_params<T>& p, std::int64_t k,
                                        std::int64_t& steps_done) {
  const int n = x.size();
  constexpr std::int64_t most = 0x7fffffffffffffff;
  const std::int64_t end = k < most - steps_done ? steps_done + k : most;  // one counter in the loop, not two
#if defined(__CUDA_ARCH__)
#pragma unroll(GtolOff ? 2 : 1)  // two steps a turn: the registers alternate instead of 8 moves a step
#endif
  while (steps_done < end) {
    gradient(central_difference{}, f, x, g, p.h);
    if (!GtolOff && reaches_gtol(g, n, p) && difference_resolves(x, p.h)) return trajectory_status::converged;
    if (!candidate_step(x, g, p.lr)) return trajectory_status::nonfinite;
    // The same bits give the same step forever: "until gtol" would never end.
    if (!GtolOff && p.gtol > T(0) && same_point(x, g)) return trajectory_status::stalled;
    FDGD_UNROLL
    for (int i = 0; i < n; ++i) x[i] = g[i];
    ++steps_done;
  }
  return steps_done >= p.total_steps ? trajectory_status::finished : trajectory_status::running;
}
}  // namespace FDGD_COMPILED_BY
}  // namespace detail
inline namespace FDGD_COMPILED_BY {

/// Advances one trajectory by up to k steps of x <- x - lr * grad f(x), as the seed does.
/// `g` is scratch of x's size. A step whose new point would not be finite is not taken.
/// Returns the status after these steps; `steps_done` counts the steps taken over all launches.
template <class Objective, class Point, class Gradient, class T>
FDGD_HD trajectory_status descend(const Objective& f, Point& x, Gradient& g, const step_params<T>& p, std::int64_t k,
                                  std::int64_t& steps_done) {
  if (detail::gtol_free_loop<Point>::value && !(p.gtol > T(0))) return detail::descend_steps<true>(f, x, g, p, k, steps_done);
  return detail::descend_steps<false>(f, x, g, p, k, steps_done);
}

/// f(x) and the norm of the central-difference gradient at x, for the per-trajectory report.
template <class Objective, class Point, class Gradient, class T>
FDGD_HD void evaluate(const Objective& f, Point& x, Gradient& g, T h, T& fx, T& grad_norm) {
  fx = f(x);
  gradient(central_difference{}, f, x, g, h);
  grad_norm = norm(g, x.size());
}

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd
