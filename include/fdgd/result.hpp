// What a run returns: every trajectory in start order, plus the summary a user looks at first.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fdgd/step.hpp"

namespace fdgd {

namespace detail {
/// std::allocator, except that a value made without arguments is left uninitialised (for the
/// trivial types of a result), so that result::resize can touch fresh memory from every thread.
template <class T>
struct uninitialized_allocator : std::allocator<T> {
  using value_type = T;
  uninitialized_allocator() = default;
  template <class U>
  uninitialized_allocator(const uninitialized_allocator<U>&) noexcept {}
  template <class U>
  struct rebind {
    using other = uninitialized_allocator<U>;
  };
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

/// A result's array against a std::vector of the same values (found by argument-dependent lookup).
template <class T>
bool operator==(const std::vector<T, uninitialized_allocator<T>>& a, const std::vector<T>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}
template <class T>
bool operator==(const std::vector<T>& a, const std::vector<T, uninitialized_allocator<T>>& b) {
  return b == a;
}
template <class T>
bool operator!=(const std::vector<T, uninitialized_allocator<T>>& a, const std::vector<T>& b) {
  return !(a == b);
}
template <class T>
bool operator!=(const std::vector<T>& a, const std::vector<T, uninitialized_allocator<T>>& b) {
  return !(b == a);
}

/// The line brief_report (and the command's report) gives where a result has no best.
inline constexpr const char* no_best_line =
    "best: none (every trajectory is nonfinite or unresolved, or ended with f not finite)\n";
}  // namespace detail

/// One value per trajectory (or per coordinate): a std::vector whose allocator lets result::resize
/// fill fresh memory in parallel. At 10^7 starts, a 4 KiB page fault at a time on one thread was most
/// of a GPU run. Unlike std::vector, its own resize(n) and its count constructor leave new values
/// unset: use result::resize, or resize(n, value) and (n, value). It compares equal to a std::vector of the same values; assign one
/// with `r.x.assign(v.begin(), v.end())`.
template <class T>
using per_trajectory = std::vector<T, detail::uninitialized_allocator<T>>;

/// Per-trajectory results and their summary. Copyable and movable; a result moved from has empty
/// arrays and its other fields as they were (its strings unspecified): assign a result to it before
/// reading it again (check_shape, and all that reads the arrays, refuse it where count > 0).
struct result {
  int dim = 0;               ///< coordinates a trajectory
  std::int64_t count = 0;    ///< number of trajectories (starts)
  per_trajectory<double> x;  ///< final points, row-major: trajectory i is x[i*dim .. i*dim+dim-1]
  per_trajectory<double> f;  ///< f at the final point
  /// |central-difference gradient| at the final point: the square root of the sum of squares in the
  /// working precision, or where that sum overflows or underflows (a gradient beyond about 1.3e154 or
  /// below 1.5e-154; 1.8e19 and 1.1e-19 in f32) the norm rescaled by the largest |component|
  per_trajectory<double> grad_norm;
  per_trajectory<std::int64_t> steps;        ///< steps taken
  per_trajectory<trajectory_status> status;  ///< finished, converged, stalled, unresolved or nonfinite

  // Summary, filled by summarize().
  /// index of the least finite f over trajectories neither nonfinite nor unresolved (of equal f, the
  /// lowest index); -1 if none
  std::int64_t best = -1;
  std::int64_t finished = 0, converged = 0, nonfinite = 0, stalled = 0, unresolved = 0;  ///< counts by status

  std::string backend;   ///< "cpu" or "cuda"
  std::string device;    ///< CPU thread count or CUDA device name
  int cuda_device = -1;  ///< ordinal of the CUDA device the run used; -1 on the CPU
  double seconds = 0;    ///< wall time of the run
  /// Of `seconds`, the descent alone: from loading each chunk's starts (generated on the device, or
  /// copied there) to its last step, summed over chunks; no result arrays, no final evaluation, no
  /// copy back. What the device computes, for comparing it with other GPU codes.
  double descent_seconds = 0;
  /// Run-time compilation before it: making an expression's code (for CUDA with NVRTC's kernels, which
  /// come from the on-disk cache when made before), reported once: 0 where an earlier run of the same
  /// compiled_expression reported it, and for a built-in. (Code its host_bytes_needed made counts in
  /// the next run.)
  double compile_seconds = 0;

  /// Resizes every per-trajectory array for `n` trajectories of dimension `d`, zero-filled (status
  /// running) by `threads` OpenMP threads (0: OpenMP's default, all cores); std::bad_alloc when they
  /// cannot be held (more than the address space counts, as well as more than memory gives),
  /// std::invalid_argument for n < 0, d < 0, d = 0 with n > 0 (check_shape's rule) or threads outside
  /// 0..max_cpu_threads.
  void resize(std::int64_t n, int d, int threads = 0);
  /// Throws std::invalid_argument naming the sizes unless every per-trajectory array matches count and
  /// dim (count >= 0, dim >= 1 where count > 0): a result filled by hand can disagree with itself.
  /// Everything that reads a result's arrays (summarize, brief_report, distinct_minima, share_reaching,
  /// write_csv, write_npy) checks this first.
  void check_shape() const;
  /// Recomputes best and the status counts from the per-trajectory arrays, on `threads` OpenMP
  /// threads (0: OpenMP's default; std::invalid_argument outside 0..max_cpu_threads, and naming the
  /// first trajectory whose status is none of the five a finished run has).
  void summarize(int threads = 0);
  /// A few human-readable lines: backend, counts, best f and its point.
  std::string brief_report() const;
};

/// "finished", "converged", "stalled", "unresolved", "nonfinite" or "running"; "unknown" for a value
/// outside the enumeration.
const char* to_string(trajectory_status s);

}  // namespace fdgd
