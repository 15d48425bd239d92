// Numerical gradients. `central_difference` is the reference scheme of the seed: for each coordinate i,
//   f1 = f(x with x[i] = x[i] + h); f2 = f(x with x[i] = x[i] - h); g[i] = (f1 - f2) / (2h)
// The objective sees the perturbed point through a view (x itself is never written), which gives the
// same values bit for bit as the seed's perturb-and-restore. Further schemes (forward, five-point,
// Ridders) become further tag types here.
#pragma once
#include "fdgd/config.hpp"
#include "fdgd/point.hpp"
#include "fdgd/quotient.hpp"
#include "fdgd/sum_structure.hpp"

#if !defined(__CUDACC_RTC__)
#include <vector>
#endif

namespace fdgd {

/// Tag for the central difference (f(x+h) - f(x-h)) / (2h): error O(h^2), 2 evaluations per coordinate.
struct central_difference {};

// The gradient's code, under the names of the compiler and build that compile it (config.hpp).
inline namespace FDGD_COMPILED_BY {

/// Where v lives is the compiler's choice again after this, at no cost (fdgd::lanes has one that does
/// something: fdgd/lanes.hpp). The gradient's long runs of additions call it first.
template <class V>
FDGD_HD void register_barrier(V&) {}
#if defined(__CUDA_ARCH__) && defined(FDGD_CUDA_ORDERED_TERMS)
// An experiment, until the device check times it (bench/device/kernel_variants.cu): on the device, an
// empty asm that the compiler must keep in order with the others, around each coordinate's moved
// terms, so that it computes the coordinates one after another rather than every moved term first
// (ptxas, sphere d = 32: 162 registers and no spills instead of 255 and spills; an SM then holds 12
// warps instead of 8). The values are untouched: the same bits.
__device__ inline void register_barrier(double& v) { asm volatile("" : "+d"(v)); }
__device__ inline void register_barrier(float& v) { asm volatile("" : "+f"(v)); }
#endif

}  // namespace FDGD_COMPILED_BY
namespace detail {
inline namespace FDGD_COMPILED_BY {

/// Fixed points up to this dimension unroll the loop over coordinates completely (every index a
/// constant, no selects) when f is evaluated whole (sum-structured objectives unroll up to
/// term_reuse_max_dim); larger ones keep it rolled, so the code stays small enough to compile fast
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

/// (f1 - f2) / (2h). Device code built with FDGD_CUDA_RECIPROCAL_DIVISION divides through 1 / (2h)
/// (fdgd/quotient.hpp: the same bits in fewer instructions; the compiler computes the reciprocal once
/// per kernel, outside the step loop); everywhere else by IEEE division, which is faster on the CPU.
template <class T>
FDGD_HD T central_quotient(T difference, T two_h) {
#if defined(__CUDA_ARCH__) && defined(FDGD_CUDA_RECIPROCAL_DIVISION)
  return divide_by_reciprocal(difference, two_h, T(1) / two_h);
#else
  return difference / two_h;
#endif
}

/// df/dx_i by the central difference at x, where t == x[i].
template <class Objective, class Point, class T>
FDGD_HD T central_partial(const Objective& f, const Point& x, int i, T t, T h, T two_h) {
  const T f1 = f(perturbed_point<Point>{x, i, t + h});
  const T f2 = f(perturbed_point<Point>{x, i, t - h});
  return central_quotient(f1 - f2, two_h);
}

/// Sum-structured objectives (fdgd/sum_structure.hpp) at compile-time dimensions up to this keep
/// every term at x (the loops unroll completely: every index a constant, the terms in registers).
inline constexpr int term_reuse_max_dim = 32;

/// How the gradient of a sum-structured f at a point of type Point gets the unmoved terms: kept from
/// one pass over x (fixed points up to term_reuse_max_dim), or, on the run-time-dimension path, kept
/// on the host (on its stack up to host_kept_terms terms, in a buffer of the thread's above) and
/// computed where needed on the device (where an array indexed at run time would live in slow local
/// memory), which still spares the sum before the moved terms and half the terms after.
enum class term_reuse { none, kept, run_time };
inline constexpr int host_kept_terms = 64;

template <class Objective, class Point>
struct term_reuse_for
    : std::integral_constant<term_reuse, has_sum_structure<Objective>::value ? term_reuse::run_time : term_reuse::none> {};
template <class Objective, class T, int D>
struct term_reuse_for<Objective, fixed_point<T, D>>
    : std::integral_constant<term_reuse, !has_sum_structure<Objective>::value ? term_reuse::none
                                         : D <= term_reuse_max_dim            ? term_reuse::kept
                                                                              : term_reuse::none> {};

/// f(x + h e_i) and f(x - h e_i) of a sum-structured f through hi, the last term that reads x_i:
/// `before` (t_0 + ... + t_{lo - 1}, when lo >= 1) plus the moved terms lo..hi, in f's order.
template <class Objective, class Point, class H, class Term>
FDGD_HD void moved_sums(const Objective& f, const Point& x, int i, H h, int lo, int hi, const Term& before, Term& s1, Term& s2) {
  auto xi = x[i];
#if defined(__CUDA_ARCH__)
  register_barrier(xi);  // (under FDGD_CUDA_ORDERED_TERMS: nothing of x_i's moved terms before here)
#endif
  const perturbed_point<Point> up{x, i, xi + h}, down{x, i, xi - h};
  s1 = f.term(up, lo), s2 = f.term(down, lo);
  if (lo > 0) {
    Term a = before, b = before;
    a += s1, b += s2;
    s1 = a, s2 = b;
  }
  FDGD_UNROLL
  for (int j = lo + 1; j <= hi; ++j) s1 += f.term(up, j), s2 += f.term(down, j);
  register_barrier(s1), register_barrier(s2);
}

/// The central difference of a sum-structured f, computing what its evaluations share once: the
/// running sum before the terms that x_i moves, and each unmoved term after them (term_at_x(j)).
/// Each evaluation then adds its moved terms and the unmoved ones after them in f's own order, so f1
/// and f2 are exactly f(x + h e_i) and f(x - h e_i). Both evaluations walk the shared terms together;
/// with Group > 1, the 2 * Group evaluations of that many coordinates do (each a chain of additions
/// of its own, so that a long tail is not one addition's latency per term).
template <int Group = 1, class Objective, class Point, class Gradient, class H, class TermAtX>
FDGD_HD void gradient_by_terms(const Objective& f, const Point& x, Gradient& g, H h, H two_h, const TermAtX& term_at_x) {
  const int d = x.size(), n = Objective::term_count(d), reach = Objective::term_reach;
  using term_type = decltype(f.term(x, 0));
  const auto lo_of = [&](int i) { return i > reach ? i - reach : 0; };
  const auto hi_of = [&](int i) { return i < n - 1 ? i : n - 1; };  // the terms that read x_i: lo..hi
  term_type before = term_at_x(0);                                  // t_0 + ... + t_{lo - 1}, once lo >= 1
  int grouped = 0;                                                  // coordinates done in groups; 0 throughout with Group = 1
  if constexpr (Group > 1) {
    for (int i = 0; i + Group <= d; i += Group, grouped = i) {
      term_type m1[Group], m2[Group], s1[Group], s2[Group];
      FDGD_UNROLL
      for (int k = 0; k < Group; ++k) {
        if (lo_of(i + k) >= 2) before += term_at_x(lo_of(i + k) - 1);
        moved_sums(f, x, i + k, h, lo_of(i + k), hi_of(i + k), before, m1[k], m2[k]);
      }
      // Sums whose address no call has seen, so that they stay in registers through the tail (with
      // m1 and m2 there, GCC stored all of them after every addition: 8 stores a term).
      FDGD_UNROLL
      for (int k = 0; k < Group; ++k) s1[k] = m1[k], s2[k] = m2[k];
      const int last = hi_of(i + Group - 1);
      for (int j = hi_of(i) + 1; j <= last; ++j) {  // each sum catches up to the group's last moved term
        const term_type& t = term_at_x(j);
        FDGD_UNROLL
        for (int k = 0; k < Group - 1; ++k)
          if (j > hi_of(i + k)) s1[k] += t, s2[k] += t;
      }
      for (int j = last + 1; j < n; ++j) {
        const term_type& t = term_at_x(j);
        FDGD_UNROLL
        for (int k = 0; k < Group; ++k) s1[k] += t, s2[k] += t;
      }
      FDGD_UNROLL
      for (int k = 0; k < Group; ++k) g[i + k] = central_quotient(f.finish(s1[k], d) - f.finish(s2[k], d), two_h);
    }
  }
  FDGD_UNROLL
  for (int i = grouped; i < d; ++i) {
    const int lo = lo_of(i), hi = hi_of(i);
    if (lo >= 2) before += term_at_x(lo - 1);
    term_type s1, s2;
    moved_sums(f, x, i, h, lo, hi, before, s1, s2);
    FDGD_UNROLL
    for (int j = hi + 1; j < n; ++j) {
      const term_type& t = term_at_x(j);  // a reference to a kept term: a copy would go through memory
      s1 += t, s2 += t;
    }
    g[i] = central_quotient(f.finish(s1, d) - f.finish(s2, d), two_h);
  }
}

/// Coordinates whose sums walk the terms after their moved ones together on the run-time-dimension
/// path: up to 4, with 2 sums each of Term's parts (a value of Point's type each) held in about 12 of
/// AVX2's 16 registers (on the host, levy's three-part terms in 4 groups of 8 sums spilled and gained
/// nothing). On the device, where those terms are recomputed, each is computed once for the group.
constexpr int tail_group_of(int parts) { return parts <= 1 ? 4 : parts >= 6 ? 1 : 6 / parts; }
template <class Term, class Point>
inline constexpr int tail_group = tail_group_of(int(sizeof(Term) / sizeof(typename Point::value_type)));

#if !defined(__CUDACC_RTC__)
/// The calling thread's functions that free its thread_scratch buffers, each listed once while it holds one.
inline std::vector<void (*)()>& thread_scratch_releases() {
  thread_local std::vector<void (*)()> releases;
  return releases;
}

/// How many gradients on the calling thread hold its thread_scratch buffers (thread_scratch_use).
inline int& thread_scratch_users() {
  thread_local int users = 0;
  return users;
}

/// The calling thread's buffer of at least n values of V for the gradient that holds it (the host's
/// terms beyond host_kept_terms, an expression's kept values), kept from call to call until
/// release_thread_scratch frees it. A run an objective starts from inside its gradient (a nested
/// solve) gets a buffer of its own, one for each depth of thread_scratch_use: it would otherwise
/// write over the outer gradient's terms or move them.
template <class V>
std::vector<V>& thread_scratch(std::size_t n) {
  thread_local std::vector<std::vector<V>> by_depth;  // (moving a vector keeps its values where they are)
  const std::size_t depth = thread_scratch_users() > 1 ? std::size_t(thread_scratch_users() - 1) : 0;
  if (by_depth.empty()) thread_scratch_releases().push_back([] { std::vector<std::vector<V>>().swap(by_depth); });
  if (by_depth.size() <= depth) by_depth.resize(depth + 1);
  std::vector<V>& buffer = by_depth[depth];
  if (buffer.size() < n) buffer.resize(n);
  return buffer;
}

/// Holds the calling thread's thread_scratch buffers for its lifetime: a run that an objective starts
/// from inside its own gradient (a nested solve) frees them only after the outer run.
struct thread_scratch_use {
  thread_scratch_use() { ++thread_scratch_users(); }
  ~thread_scratch_use() { --thread_scratch_users(); }
  thread_scratch_use(const thread_scratch_use&) = delete;
  thread_scratch_use& operator=(const thread_scratch_use&) = delete;
};

/// Frees the calling thread's thread_scratch buffers unless a gradient holds them (the CPU backend's
/// threads after each run, which would otherwise hold the largest run's until they end: 32 or 64 MB a
/// thread for rastrigin at d = 10^6).
inline void release_thread_scratch() {
  if (thread_scratch_users() > 0) return;
  const std::vector<void (*)()> releases = std::move(thread_scratch_releases());
  thread_scratch_releases().clear();
  for (const auto release : releases) release();
}
#endif

template <class Objective, class Point, class Gradient, class H>
FDGD_HD void gradient_reusing_terms(const Objective& f, const Point& x, Gradient& g, H h, H two_h) {
  // Every coordinate read by some term, and none beyond x: checked at the run's d by solve and
  // first_start_where_terms_disagree (terms_misfit), not here; a direct call must meet it itself.
  if constexpr (term_reuse_for<Objective, Point>::value == term_reuse::kept) {
    constexpr int n = Objective::term_count(Point::size());
    using term_type = decltype(f.term(x, 0));
    // An experiment, until the device check times it (bench/device/kernel_variants.cu): keep only the
    // costly part of each term and have the rest again where it is used (ackley d = 32: 182
    // registers instead of 236; the same bits).
#if defined(__CUDA_ARCH__) && defined(FDGD_CUDA_SLIM_TERMS)
    constexpr bool slim = has_kept_part<Objective, term_type>::value;
#else
    constexpr bool slim = false;
#endif
    if constexpr (slim) {
      decltype(f.kept_part(f.term(x, 0))) kept[n];
      FDGD_UNROLL
      for (int j = 0; j < n; ++j) kept[j] = f.kept_part(f.term(x, j));
      gradient_by_terms(f, x, g, h, two_h, [&](int j) { return f.term_from_kept(x, j, kept[j]); });
    } else {
      term_type t[n];
      FDGD_UNROLL
      for (int j = 0; j < n; ++j) t[j] = f.term(x, j);
      gradient_by_terms(
          f, x, g, h, two_h, [&](int j) -> const auto& { return t[j]; });
    }
  } else {
#if !defined(__CUDA_ARCH__)
    // Recomputing the terms after the moved ones would cost d^2 / 2 terms a step, where keeping them
    // costs as many additions: rastrigin d = 65 to 400, 1.6x faster.
    using term_type = decltype(f.term(x, 0));
    const int n = Objective::term_count(x.size());
    term_type on_stack[host_kept_terms];
    const thread_scratch_use in_use;
    term_type* const t = n > host_kept_terms ? thread_scratch<term_type>(std::size_t(n)).data() : on_stack;
    t[0] = f.term(x, 0);  // (n >= 1; said first so that GCC sees t[0] written)
    for (int j = 1; j < n; ++j) t[j] = f.term(x, j);
    gradient_by_terms<tail_group<term_type, Point>>(
        f, x, g, h, two_h, [t](int j) -> const auto& { return t[j]; });
#else
    gradient_by_terms<tail_group<decltype(f.term(x, 0)), Point>>(f, x, g, h, two_h, [&](int j) { return f.term(x, j); });
#endif
  }
}

/// The central difference by 2d whole evaluations of f, as the seed computes it.
template <class Objective, class Point, class Gradient, class T>
FDGD_HD void gradient_by_evaluations(const Objective& f, const Point& x, Gradient& g, T h, T two_h) {
  if constexpr (rolled_gradient<Point>::value) {
    FDGD_NO_UNROLL
    for (int i = 0; i < x.size(); ++i) assign_coordinate(g, i, central_partial(f, x, i, select_coordinate(x, i), h, two_h));
  } else {
    FDGD_UNROLL
    for (int i = 0; i < x.size(); ++i) g[i] = central_partial(f, x, i, x[i], h, two_h);
  }
}

/// True for objectives that declare `static constexpr bool own_central_difference = true`: they
/// compute the central difference themselves, f.central_gradient(x, g, h, two_h), to the bits of
/// gradient_by_evaluations (the --expr objectives, which re-evaluate only what x_i reaches).
template <class Objective, class = void>
struct has_own_central_difference : std::false_type {};
template <class Objective>
struct has_own_central_difference<Objective, void_type<decltype(Objective::own_central_difference)>>
    : std::bool_constant<Objective::own_central_difference> {};

}  // namespace FDGD_COMPILED_BY
}  // namespace detail
inline namespace FDGD_COMPILED_BY {

/// Writes the central-difference gradient of `f` at `x` into `g` (of x's size).
template <class Objective, class Point, class Gradient, class T>
FDGD_HD void gradient(central_difference, const Objective& f, const Point& x, Gradient& g, T h) {
  const T two_h = T(2) * h;
  if constexpr (detail::has_own_central_difference<Objective>::value) {
    f.central_gradient(x, g, h, two_h);
  } else if constexpr (detail::term_reuse_for<Objective, Point>::value != detail::term_reuse::none) {
    detail::gradient_reusing_terms(f, x, g, h, two_h);
  } else {
    detail::gradient_by_evaluations(f, x, g, h, two_h);
  }
}

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd
