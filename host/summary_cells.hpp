// distinct_minima in two passes: (1) the grid cells that hold counted points, each with its member
// count and best member, on the host or on the CUDA device; (2) on the host, joining the cells whose
// best points share a cell of a shifted grid into groups.
#pragma once
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <optional>
#include <vector>

#include "fdgd/result.hpp"
#include "fdgd/summary.hpp"

namespace fdgd::detail {

/// Pass 1's answer, one entry a non-empty cell (in no particular order).
struct cell_members {
  std::vector<std::int64_t> best;   ///< the member with least f (lowest index among equal f)
  std::vector<std::int64_t> count;  ///< members
  /// Where pass 1 joined the cells itself (the device's does: cells whose best members share a cell of
  /// one of the shifted grids 1 .. d, cell_coordinate), each cell's group as a cell of it; empty where
  /// the merge is to find them.
  std::vector<std::int64_t> group;
};

/// Sets of cells joined pairwise.
struct union_find {
  std::vector<std::size_t> parent;
  explicit union_find(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), std::size_t(0)); }
  std::size_t find(std::size_t a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  }
  /// Whether a and b were in two groups, now one.
  bool unite(std::size_t a, std::size_t b) {
    const std::size_t ra = find(a), rb = find(b);
    parent[ra] = rb;
    return ra != rb;
  }
};

/// How many hashes of the shifted grids the host's merge holds at a time for m cells of dimension d:
/// 2^21 (16 MB), or an eighth of the cells' coordinates where that is more, so that it takes at most 8
/// blocks (each block works out every cell's d coordinates again: with 2^21 alone, 2 * 10^4 scattered
/// cells at d = 4000 took 39 blocks); never more than m d.
inline std::size_t shifted_hashes_a_block(std::size_t m, int d) {
  const std::size_t ud = std::size_t(std::max(d, 1));
  const std::size_t all = m > SIZE_MAX / ud ? SIZE_MAX : m * ud;  // an estimate's count may be any int64
  return std::min(all, std::max<std::size_t>(std::size_t(1) << 21, all / 8));
}

/// The first of the grids 1 .. d in which v's cell index is below c, its index in grid 0 (d + 1: none).
/// cell_coordinate is monotone in k; the fraction of v's cell below it guesses the grid.
int first_drop(double v, double tol, int d, std::int64_t c);

/// The grids 1 .. d in which points a and b (d coordinates each) share a cell, as bit k of `bits`
/// ((d + 64) / 64 words; bit 0 unused), from where each coordinate's cell index drops (first_drop):
/// O(d) for all d grids, where same_cell takes O(d) for each. False (bits unset) where an index drops
/// more than once or by more than one (beyond |x / tol| of about 2^52, where the shifts round).
/// `change` is scratch.
bool shared_grids(const double* a, const double* b, int d, double tol, std::uint64_t* bits, std::vector<int>& change);

/// Whether trajectory i takes part in grouping: neither nonfinite nor unresolved, and f finite (detail::counted).
bool counted(const result& r, std::int64_t i);

/// Pass 1 on the host, on `threads` OpenMP threads (0: all); the same cells, in the same order, on any.
cell_members cells_on_host(const result& r, double tol, int threads = 0);
/// About the most device memory cells_on_cuda holds at once for `count` points of dimension `dim`: x and
/// each coordinate's cell index (16 d bytes a point), f, status, the members and the cells' counts, best
/// members, hashes and order with the sorts' scratch (128 bytes a point, held at most for m = count
/// cells), and 64 MiB for the joins' slices and the allocator's rounding.
inline double cells_device_bytes(std::int64_t count, int dim) {
  return double(count) * (16 * double(dim) + 128) + double(64 << 20);
}
#if defined(FDGD_HAS_CUDA)
/// Pass 1 on CUDA device `device`: uploads x, f and status, sorts by cell there (kernels/summary_cells.cu).
/// Where the device's memory runs out: std::bad_alloc, or none if `or_none`.
std::optional<cell_members> cells_on_cuda(const result& r, double tol, int device, bool or_none);
/// Whether cells_on_cuda(r, .., r.cuda_device) fits in that device's free memory now (false where the
/// device cannot be asked).
bool cells_fit_on_cuda(const result& r);
#endif

/// Pass 2: the `top` groups with least f, best first (all when top <= 0), on `threads` OpenMP threads
/// (0: all); `totals`, where given, counts them all. Independent of the cells' order and of the threads.
std::vector<minimum_group> merge_cells(const result& r, const cell_members& cells, double tol, int top, int threads = 0,
                                       minima_totals* totals = nullptr);

}  // namespace fdgd::detail
