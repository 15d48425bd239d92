// The grids distinct_minima groups final points by, and the hash of their cells: one source, so the host
// and the device pass put every point in the same cells and join the same ones.
#pragma once
#include <cmath>
#include <cstdint>

#include "fdgd/config.hpp"
#include "fdgd/finite.hpp"
#include "fdgd/step.hpp"

namespace fdgd::detail {

/// The largest |v / tol| the grid's 64-bit cell indices hold.
inline constexpr double grid_reach = 4.6e18;

/// Where grid 0's cells start, in cells: the cells along each axis are [(n + grid_offset) tol,
/// (n + 1 + grid_offset) tol). 2 minus the golden ratio, so that no round number is a corner: a
/// minimum at the origin, at integers or at any multiple of tol lies inside a cell. At a corner, where
/// 2^d cells meet, one minimum's points fill up to one cell each, and joining them costs O(m d^2).
inline constexpr double grid_offset = 0.3819660112501051;

/// Index of the cell holding coordinate v in grid `k` of the d + 1 grids of side `tol` that grouping
/// uses: grid k is shifted by k tol / (d + 1) along every axis from grid 0, which makes the cells.
/// The boundaries of all d + 1 grids along one axis lie tol / (d + 1) apart (less the rounding of
/// v / tol, about |v| 2.2e-16), so points spread less than that along every axis cross a boundary of at
/// most one grid per axis: at least one of the d + 1 grids holds them in one cell, wherever they lie (at
/// a corner of grid 0 too). Clamped to +-grid_reach (NaN to the low end), so the conversion is defined
/// for any value.
FDGD_HD inline std::int64_t cell_coordinate(double v, double tol, int k, int d) {
  double q = floor(v / tol - (grid_offset + double(k) / double(d + 1)));
  if (!(q >= -grid_reach)) q = -grid_reach;
  if (!(q <= grid_reach)) q = grid_reach;
  return std::int64_t(q);
}

/// The same in grid 0: floor(v / tol - grid_offset), clamped.
FDGD_HD inline std::int64_t cell_coordinate(double v, double tol) { return cell_coordinate(v, tol, 0, 1); }

/// Whether points a and b (d coordinates each) lie in the same cell of grid k.
FDGD_HD inline bool same_cell(const double* a, const double* b, int d, double tol, int k) {
  for (int j = 0; j < d; ++j)
    if (cell_coordinate(a[j], tol, k, d) != cell_coordinate(b[j], tol, k, d)) return false;
  return true;
}

/// Hash of a cell's integer coordinates, a sum of one term a coordinate. The host finds cells by it in
/// hash tables (host/cell_table.hpp), the device sorts by it.
struct cell_hash {
  FDGD_HD static std::uint64_t term(std::size_t j, std::int64_t k) {
    std::uint64_t z = std::uint64_t(k) * 0x9E3779B97F4A7C15ull + std::uint64_t(j) * 0xD1B54A32D192ED03ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// The hash of the cell holding point x (d coordinates) in grid k.
  FDGD_HD static std::uint64_t of_point(const double* x, int d, double tol, int k) {
    std::uint64_t h = 0;
    for (int j = 0; j < d; ++j) h += term(std::size_t(j), cell_coordinate(x[j], tol, k, d));
    return h;
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

/// Whether a trajectory's final point is grouped at all: it did not end nonfinite or unresolved (where
/// the differences could not see f) and its f is finite.
FDGD_HD inline bool counted(trajectory_status status, double f) {
  return status != trajectory_status::nonfinite && status != trajectory_status::unresolved && is_finite(f);
}

/// Whether the d coordinates at x all have cells of their own. A point beyond the grid is not grouped:
/// clamped, it would share an edge cell with points far from it. Only trajectories that ran off (or a
/// tol far below the points' own spacing) get there.
FDGD_HD inline bool on_grid(const double* x, int d, double tol) {
  for (int j = 0; j < d; ++j)
    if (!(fabs(x[j] / tol) <= grid_reach)) return false;
  return true;
}

}  // namespace fdgd::detail
