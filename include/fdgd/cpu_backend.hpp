// The CPU backend: the shared host loop over an OpenMP loop that runs fdgd::descend per trajectory.
// Header-only, so it runs any objective a plain C++ translation unit defines.
#pragma once
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>
#if defined(_OPENMP)
#include <omp.h>
#endif

#include "fdgd/detail/host_loop.hpp"
#include "fdgd/objective.hpp"
#include "fdgd/point.hpp"
#include "fdgd/starts.hpp"
#include "fdgd/step.hpp"

namespace fdgd {
namespace detail {

inline int cpu_threads(const options& o) {
#if defined(_OPENMP)
  return o.threads > 0 ? o.threads : omp_get_max_threads();
#else
  (void)o;
  return 1;
#endif
}

inline int cpu_thread_index() {
#if defined(_OPENMP)
  return omp_get_thread_num();
#else
  return 0;
#endif
}

/// One chunk resident in host memory, a row of `dim` working-precision values per trajectory.
template <class T, int D, class Objective>
class cpu_batch {
 public:
  cpu_batch(const Objective& f, const starts& s, const options& o, std::int64_t chunk)
      : f_(f), starts_(s), params_(make_step_params<T>(o)), initial_(initial_status(o)), dim_(s.dim()),
        threads_(cpu_threads(o)), x_(std::size_t(chunk) * std::size_t(dim_)), steps_(std::size_t(chunk)),
        status_(std::size_t(chunk)), scratch_(std::size_t(threads_) * std::size_t(dim_)) {}

  void load(std::int64_t first, std::int64_t n) {
    n_ = n;
#pragma omp parallel for num_threads(threads_) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
      for (int j = 0; j < dim_; ++j) row(i)[j] = T(starts_.coordinate(first + i, j));
      steps_[std::size_t(i)] = 0;
      status_[std::size_t(i)] = initial_;
    }
  }

  std::int64_t advance(std::int64_t k) {
    std::int64_t live = 0;
#pragma omp parallel for num_threads(threads_) schedule(dynamic, 64) reduction(+ : live)
    for (std::int64_t i = 0; i < n_; ++i) {
      auto& st = status_[std::size_t(i)];
      if (st != trajectory_status::running) continue;
      with_point(i, [&](auto& x, auto& g) { st = descend(f_, x, g, params_, k, steps_[std::size_t(i)]); });
      live += st == trajectory_status::running;
    }
    return live;
  }

  void store(std::int64_t first, std::int64_t n, result& r) {
#pragma omp parallel for num_threads(threads_) schedule(dynamic, 64)
    for (std::int64_t i = 0; i < n; ++i) {
      const auto out = std::size_t(first + i);
      T fx, gn;
      with_point(i, [&](auto& x, auto& g) { evaluate(f_, x, g, params_.h, fx, gn); });
      for (int j = 0; j < dim_; ++j) r.x[out * std::size_t(dim_) + std::size_t(j)] = double(row(i)[j]);
      r.f[out] = double(fx);
      r.grad_norm[out] = double(gn);
      r.steps[out] = steps_[std::size_t(i)];
      r.status[out] = status_[std::size_t(i)];
    }
  }

 private:
  T* row(std::int64_t i) { return x_.data() + std::size_t(i) * std::size_t(dim_); }

  /// Runs fn(x, g) on trajectory i: in local arrays for a compile-time D, in place otherwise.
  template <class Fn>
  void with_point(std::int64_t i, Fn&& fn) {
    T* p = row(i);
    if constexpr (D != dynamic_dim) {
      fixed_point<T, D> x, g;
      for (int j = 0; j < D; ++j) x[j] = p[j];
      fn(x, g);
      for (int j = 0; j < D; ++j) p[j] = x[j];
    } else {
      strided_point<T> x{p, 1, dim_};
      strided_point<T> g{scratch_.data() + std::size_t(cpu_thread_index()) * std::size_t(dim_), 1, dim_};
      fn(x, g);
    }
  }

  Objective f_;
  const starts& starts_;
  step_params<T> params_;
  trajectory_status initial_;
  int dim_;
  int threads_;
  std::int64_t n_ = 0;
  std::vector<T> x_;
  std::vector<std::int64_t> steps_;
  std::vector<trajectory_status> status_;
  std::vector<T> scratch_;
};

}  // namespace detail

/// Runs the descent for every start on the CPU in working precision T; D = dynamic_dim for a run-time d.
/// Throws std::invalid_argument for invalid options or starts of the wrong dimension.
template <class T, int D, class Objective>
result solve_cpu(const Objective& f, const starts& s, const options& o) {
  check_objective<Objective, point_for<T, D>>();
  o.validate();
  detail::check_dim<D>(s);
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t chunk = std::min(o.chunk_size > 0 ? o.chunk_size : std::int64_t(1) << 20, s.count());
  result r;
  r.resize(s.count(), s.dim());
  detail::cpu_batch<T, D, Objective> batch(f, s, o, chunk);
  detail::run_chunks(batch, o, s.count(), chunk, r);
  r.backend = "cpu";
  r.device = std::to_string(detail::cpu_threads(o)) + " threads";
  r.seconds = detail::seconds_since(t0);
  r.summarize();
  return r;
}

}  // namespace fdgd
