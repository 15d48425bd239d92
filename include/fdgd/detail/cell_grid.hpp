// The grid distinct_minima groups final points by, and the hash of its cells: one source, so the host
// and the device pass put every point in the same cell and find the same neighbours.
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

/// Hash of a cell's integer coordinates: a sum of one term a coordinate, so that the key one step away
/// along axis j hashes in O(1) (moved()): the merge looks up d neighbours of every cell, on the host in
/// hash tables (host/cell_table.hpp), on the device by binary search over the cells' hashes.
struct cell_hash {
  FDGD_HD static std::uint64_t term(std::size_t j, std::int64_t k) {
    std::uint64_t z = std::uint64_t(k) * 0x9E3779B97F4A7C15ull + std::uint64_t(j) * 0xD1B54A32D192ED03ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  FDGD_HD static std::uint64_t of(const std::int64_t* key, int d) {
    std::uint64_t h = 0;
    for (int j = 0; j < d; ++j) h += term(std::size_t(j), key[j]);
    return h;
  }
  /// of() for a key with coordinate j changed from `from` to `to`, given h for the key before.
  FDGD_HD static std::uint64_t moved(std::uint64_t h, std::size_t j, std::int64_t from, std::int64_t to) {
    return h - term(j, from) + term(j, to);
  }
  /// The word the host's tables use, well mixed: the low 12 bits (or fewer) the partition, the bits from
  /// bit 12 up the slot, the top 24 the tag. Never `none`, which marks an item left out.
  static constexpr std::uint64_t none = ~std::uint64_t(0);
  FDGD_HD static std::uint64_t mixed(std::uint64_t h) {
    h = (h ^ (h >> 32)) * 0xff51afd7ed558ccdull;
    h ^= h >> 29;
    return h == none ? 0 : h;
  }
};

/// Whether a trajectory's final point is grouped at all: it did not end nonfinite and its f is finite.
FDGD_HD inline bool counted(trajectory_status status, double f) { return status != trajectory_status::nonfinite && is_finite(f); }

/// Whether the d coordinates at x all have cells of their own. A point beyond the grid is not grouped:
/// clamped, it would share an edge cell with points far from it. Only trajectories that ran off (or a
/// tol far below the points' own spacing) get there.
FDGD_HD inline bool on_grid(const double* x, int d, double tol) {
  for (int j = 0; j < d; ++j)
    if (!(fabs(x[j] / tol) < grid_reach)) return false;
  return true;
}

}  // namespace fdgd::detail
