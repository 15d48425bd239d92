// The host loop both backends share: stream the batch through in chunks and, for each chunk, launch
// "advance every live trajectory by K steps" until every trajectory has stopped.
#pragma once
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#if defined(_OPENMP)
#include <omp.h>
#endif

#include "fdgd/config.hpp"  // FDGD_COMPILED_BY
#include "fdgd/finite.hpp"
#include "fdgd/objective.hpp"
#include "fdgd/options.hpp"
#include "fdgd/result.hpp"
#include "fdgd/starts.hpp"
#include "fdgd/step.hpp"
#include "fdgd/sum_structure.hpp"

namespace fdgd::detail {
inline namespace FDGD_COMPILED_BY {  // helpers whose code depends on the build (OpenMP): config.hpp

/// The OpenMP threads that `threads`, counted as options::threads counts them, stands for (0: OpenMP's
/// default, all cores, or OMP_NUM_THREADS where set, at most max_cpu_threads: OMP_NUM_THREADS=100000
/// crashed); 1 without OpenMP.
inline int openmp_team(int threads) {
#if defined(_OPENMP)
  return threads > 0 ? threads : std::min(omp_get_max_threads(), max_cpu_threads);
#else
  (void)threads;
  return 1;
#endif
}

/// The threads a CPU run has: openmp_team(o.threads) within OMP_THREAD_LIMIT, but inside a caller's
/// OpenMP region what a nested region gets there (one thread unless nesting is on).
inline int cpu_threads(const options& o) {
  const int team = openmp_team(o.threads);
#if defined(_OPENMP)
  if (omp_in_parallel()) {
    int got = 1;
#pragma omp parallel num_threads(team)
#pragma omp single
    got = omp_get_num_threads();
    return got;
  }
  return std::min(team, omp_get_thread_limit());
#else
  return team;
#endif
}

/// A CPU run's result::device: "1 thread", "8 threads".
inline std::string cpu_device_text(int threads) { return std::to_string(threads) + (threads == 1 ? " thread" : " threads"); }

/// The calling thread's number in its OpenMP team; 0 without OpenMP.
inline int cpu_thread_index() {
#if defined(_OPENMP)
  return omp_get_thread_num();
#else
  return 0;
#endif
}

/// openmp_team(threads) for a public function, `who`, that takes a thread count as options::threads
/// does: std::invalid_argument outside 0..max_cpu_threads, where starting the threads could crash.
inline int checked_team(int threads, const char* who) {
  if (threads < 0 || threads > max_cpu_threads)
    throw std::invalid_argument(std::string("fdgd: ") + who + ": threads = " + std::to_string(threads) +
                                " (must be in 0..4096; 0 uses all cores)");
  static_assert(max_cpu_threads == 4096, "the message above names the limit");
  return openmp_team(threads);
}

/// The largest s >= 0 whose square root in T is at most gtol (gtol finite and > 0; 0 otherwise, where
/// the test is off). sqrt is correctly rounded, hence monotone, so for s >= +0 or NaN (a sum of
/// squares) sqrt(s) <= gtol exactly when s <= this. Found by bisection over the bit patterns, which
/// order non-negative floats.
template <class T>
T gtol_squared_limit(T gtol) {
  using bits_t = decltype(bits_of(gtol));
  if (!(gtol > T(0))) return T(0);
  bits_t lo = 0, hi = bits_of(std::numeric_limits<T>::infinity());  // sqrt(from_bits(lo)) <= gtol < sqrt(from_bits(hi))
  while (hi - lo > 1) {
    const bits_t mid = lo + (hi - lo) / 2;
    (std::sqrt(from_bits<T>(mid)) <= gtol ? lo : hi) = mid;
  }
  return from_bits<T>(lo);
}

/// gtol in T, rounded down where T cannot hold it (f32), so that a trajectory called converged has
/// |grad| <= gtol as given.
template <class T>
T gtol_in(double gtol) {
  const T t = T(gtol);
  return double(t) > gtol ? std::nextafter(t, T(0)) : t;
}

template <class T>
step_params<T> make_step_params(const options& o) {
  const T gtol = gtol_in<T>(o.gtol);
  return {T(o.lr), T(o.h), gtol, o.steps, gtol_squared_limit(gtol)};
}

/// Status a freshly loaded trajectory starts with: zero steps asked means it is already finished.
inline trajectory_status initial_status(const options& o) {
  return o.steps == 0 ? trajectory_status::finished : trajectory_status::running;
}

/// a * b + c for the progress counts (a, b, c >= 0), held at the largest int64 rather than overflowing
/// when steps is huge ("until gtol") and the batch has many chunks.
inline std::int64_t saturated(std::int64_t a, std::int64_t b, std::int64_t c = 0) {
  constexpr std::int64_t most = std::numeric_limits<std::int64_t>::max();
  return b != 0 && a > (most - c) / b ? most : a * b + c;
}

/// Backend needs:
///   void load(int64 first, int64 n)            starts [first, first + n) become the resident chunk
///   int64 advance(int64 k)                     k more steps for each live trajectory; returns how many live
///   void store(int64 first, int64 n, result&)  f and |grad| at the final points, copied into the result
template <class Backend>
void run_chunks(Backend& backend, const options& o, std::int64_t count, std::int64_t chunk, result& r) {
  const std::int64_t per_launch = o.steps_per_launch == 0 ? std::max<std::int64_t>(o.steps, 1) : o.steps_per_launch;
  const std::int64_t chunks = (count + chunk - 1) / chunk;
  for (std::int64_t c = 0; c < chunks; ++c) {
    const std::int64_t first = c * chunk, n = std::min(chunk, count - first);
    const auto t0 = std::chrono::steady_clock::now();
    backend.load(first, n);
    for (std::int64_t done = 0; done < o.steps;) {
      const std::int64_t k = std::min(per_launch, o.steps - done);
      done += k;
      const std::int64_t live = backend.advance(k);
      if (o.on_progress)
        o.on_progress({saturated(c, o.steps, live ? done : o.steps), saturated(chunks, o.steps), live, count - first - n});
      if (live == 0) break;
    }
    r.descent_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    backend.store(first, n, r);
  }
}

/// Throws std::invalid_argument when the starts do not fit a compile-time dimension D.
template <int D>
void check_dim(const starts& s) {
  if (D != dynamic_dim && s.dim() != D)
    throw std::invalid_argument("fdgd: invalid starts: dim = " + std::to_string(s.dim()) +
                                " but the objective was compiled for dim = " + std::to_string(D));
}

/// Throws std::invalid_argument when the objective says it has no dimension d: below its min_dim,
/// other than its fixed_dim, or (sum-structured) no terms at d. Its terms would read beyond x.
template <class Objective>
void check_objective_dim(int d) {
  const auto refuse = [d](const std::string& why) {
    throw std::invalid_argument("fdgd: invalid starts: dim = " + std::to_string(d) + " but the objective " + why);
  };
  constexpr int fixed = declared_fixed_dim<Objective>(), least = declared_min_dim<Objective>();  // (declarations.hpp)
  if (fixed != 0 && d != fixed) refuse("is " + std::to_string(fixed) + "-D (its fixed_dim)");
  if (d < least) refuse("needs dim >= " + std::to_string(least) + " (its min_dim)");
  if constexpr (has_sum_structure<Objective>::value)
    if (const char* why = terms_misfit<Objective>(d)) refuse(why);
}

/// Throws std::invalid_argument when a start could lie beyond single precision's range (3.4e38),
/// where a single-precision run would begin it as an infinity.
inline void check_fits_single_precision(const starts& s) {
  if (s.is_generated()) {
    for (int j = 0; j < s.dim(); ++j)
      if (beyond_float(s.lo()[std::size_t(j)]) || beyond_float(s.hi()[std::size_t(j)]))
        throw std::invalid_argument("fdgd: invalid starts: box coordinate " + std::to_string(j) + " is [" +
                                    number_text(s.lo()[std::size_t(j)]) + ", " + number_text(s.hi()[std::size_t(j)]) +
                                    "], beyond single precision's range (3.4e38); use double precision");
  } else {
    for (std::size_t k = 0; k < s.points().size(); ++k)
      if (beyond_float(s.points()[k]))
        throw std::invalid_argument("fdgd: invalid starts: start " + std::to_string(k / std::size_t(s.dim())) + " coordinate " +
                                    std::to_string(k % std::size_t(s.dim())) + " is " + number_text(s.points()[k]) +
                                    ", beyond single precision's range (3.4e38); use double precision");
  }
}

/// check_inputs past the objective's shape.
template <class T, int D, class Objective>
void check_usable_inputs(const starts& s, const options& o) {
  options in_t = o;  // checked in the precision it runs in, T, whatever o.prec says (solve_cpu<float> with prec f64)
  in_t.prec = std::is_same_v<T, float> ? precision::f32 : precision::f64;
  in_t.validate();
  check_not_empty(s);
  check_dim<D>(s);
  check_objective_dim<Objective>(s.dim());
  if constexpr (std::is_same_v<T, float>) check_fits_single_precision(s);
}

/// What every backend's entry checks first: the objective's shape, the options, the dimension, and
/// that the starts fit the working precision.
template <class T, int D, class Objective>
void check_inputs(const starts& s, const options& o) {
  check_objective<Objective, point_for<T, run_dim<D>>>();  // the point it will run on
  // Nothing more is compiled for an objective refused: its message alone (check_objective_dim reads
  // the declarations it refused).
  if constexpr (is_usable_objective<Objective, point_for<T, run_dim<D>>>()) check_usable_inputs<T, D, Objective>(s, o);
}

/// Stamps a finished run with where it ran and how long it took, and summarizes it (on the CPU
/// threads options::threads allows).
inline void finish(result& r, const char* backend, std::string device, std::chrono::steady_clock::time_point t0, int threads) {
  r.backend = backend;
  r.device = std::move(device);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.summarize(threads);
}

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd::detail
