// The grid distinct_minima groups final points by: one function, so the host and the device pass
// put every point in the same cell.
#pragma once
#include <cmath>
#include <cstdint>

#include "fdgd/config.hpp"

namespace fdgd::detail {

/// Index of the grid cell of side `tol` holding coordinate v. Clamped to +-2^62 (NaN to the low end),
/// so the conversion is defined for any value: points beyond ~4.6e18 * tol share the edge cells.
FDGD_HD inline std::int64_t cell_coordinate(double v, double tol) {
  double q = floor(v / tol);
  if (!(q >= -4.6e18)) q = -4.6e18;
  if (!(q <= 4.6e18)) q = 4.6e18;
  return std::int64_t(q);
}

}  // namespace fdgd::detail
