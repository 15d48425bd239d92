// What a run returns: every trajectory in start order, plus the summary a user looks at first.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "fdgd/step.hpp"

namespace fdgd {

struct result {
  int dim = 0;
  std::int64_t count = 0;                ///< number of trajectories (starts)
  std::vector<double> x;                 ///< final points, row-major: trajectory i is x[i*dim .. i*dim+dim-1]
  std::vector<double> f;                 ///< f at the final point
  std::vector<double> grad_norm;         ///< |central-difference gradient| at the final point
  std::vector<std::int64_t> steps;       ///< steps taken
  std::vector<trajectory_status> status; ///< finished, converged, nonfinite or stalled

  // Summary, filled by summarize().
  std::int64_t best = -1;  ///< index of the least finite f over trajectories that are not nonfinite; -1 if none
  std::int64_t finished = 0, converged = 0, nonfinite = 0, stalled = 0;  ///< counts by status

  std::string backend;  ///< "cpu" or "cuda"
  std::string device;   ///< CPU thread count or CUDA device name
  int cuda_device = -1; ///< ordinal of the CUDA device the run used; -1 on the CPU
  double seconds = 0;   ///< wall time of the run
  double compile_seconds = 0;  ///< run-time compilation before it (--expr on CUDA; 0 when cached or none)

  /// Resizes every per-trajectory array for `n` trajectories of dimension `d`; std::bad_alloc when
  /// they cannot be held (more than the address space counts, as well as more than memory gives).
  void resize(std::int64_t n, int d);
  /// Recomputes best and the status counts from the per-trajectory arrays.
  void summarize();
  /// A few human-readable lines: backend, counts, best f and its point.
  std::string brief_report() const;
};

/// "finished", "converged", "nonfinite", "stalled" or "running".
const char* to_string(trajectory_status s);

}  // namespace fdgd
