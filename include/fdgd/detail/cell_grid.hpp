// The grid distinct_minima groups final points by: one function, so the host and the device pass
// put every point in the same cell.
#pragma once
#include <cmath>
#include <cstdint>

#include "fdgd/config.hpp"
#include "fdgd/finite.hpp"
#include "fdgd/step.hpp"

namespace fdgd::detail {

/// The largest |v / tol| the grid's 64-bit cell indices hold.
inline constexpr double grid_reach = 4.6e18;

/// Index of the grid cell of side `tol` holding coordinate v. Clamped to +-grid_reach (NaN to the low
/// end), so the conversion is defined for any value.
FDGD_HD inline std::int64_t cell_coordinate(double v, double tol) {
  double q = floor(v / tol);
  if (!(q >= -grid_reach)) q = -grid_reach;
  if (!(q <= grid_reach)) q = grid_reach;
  return std::int64_t(q);
}

/// Whether a trajectory's final point is grouped at all: it did not end nonfinite and its f is finite.
FDGD_HD inline bool counted(trajectory_status status, double f) {
  return status != trajectory_status::nonfinite && is_finite(f);
}

/// Whether the d coordinates at x all have cells of their own. A point beyond the grid is not grouped:
/// clamped, it would share an edge cell with points far from it. Only trajectories that ran off (or a
/// tol far below the points' own spacing) get there.
FDGD_HD inline bool on_grid(const double* x, int d, double tol) {
  for (int j = 0; j < d; ++j)
    if (!(fabs(x[j] / tol) < grid_reach)) return false;
  return true;
}

}  // namespace fdgd::detail
