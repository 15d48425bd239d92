// What a batch found: its distinct minima (final points grouped by distance) and how many starts
// reached a known minimum.
#pragma once
#include <cstdint>
#include <vector>

#include "fdgd/error.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/options.hpp"
#include "fdgd/result.hpp"

namespace fdgd {

/// One group of final points: those of one grid cell of side `tol` and of the cells joined to it (see
/// distinct_minima), so a group can span more than tol.
/// The defaults of distinct_minima and share_reaching below: the side of the cells points are grouped
/// in, and how near a minimizer counts as reaching it (the command's --cluster-tol); the groups listed (--top).
inline constexpr double default_cluster_tol = 1e-3;
inline constexpr int default_top = 10;

struct minimum_group {
  std::vector<double> x;   ///< the group's best point (least f; of equal f, the member of lowest index)
  double f = 0;            ///< f there
  std::int64_t count = 0;  ///< trajectories in the group
  double share = 0;        ///< count / all trajectories of the run
};

/// What distinct_minima found besides the groups it lists.
struct minima_totals {
  std::int64_t groups = 0;  ///< groups in all (the list holds the `top` of them)
  /// trajectories in some group; the rest ended nonfinite or unresolved, with f not finite, or beyond the grid
  std::int64_t grouped = 0;
  /// where the cells were found: cpu or cuda (see grouped_on; automatic's cuda becomes cpu where the
  /// device's memory ran out on the way, taken by another process after grouped_on asked)
  backend_kind grouped_on = backend_kind::cpu;
};

/// Groups the final points of every trajectory that is not nonfinite or unresolved, has a finite f and lies within
/// 4.6e18 * tol of the origin in every coordinate (the grid's reach; beyond it, only trajectories that
/// ran off, which then count in no group's share; but a tol below |x| / 4.6e18 puts the points
/// themselves beyond it: tol = 1e-300 groups no point of order 1, and totals->grouped says 0).
/// Points in one cell of a grid of side `tol` (cells [(k + s) tol, (k + 1 + s) tol) along each axis, s = 0.381966..., 2 minus the
/// golden ratio, so that a minimum at the origin, at integers or at a multiple of tol lies inside a cell) form a group; then groups
/// join where the best points of two of their cells share a cell of one of d more grids of side tol, grid k shifted by k tol / (d +
/// 1) along every axis (k = 1 .. d). So:
/// - points spread less than tol / (d + 1) along every axis (max-norm; less about |x| 2.2e-16) are one
///   group wherever they lie, a minimum's points at a corner of the cells too, provided each cell they touch has its best point
///   (least f) among them: cells join through their best points. Points that converged to one minimum are so, unless a point of
///   lower f lies within tol of them;
/// - each join spans at most tol along every axis, so minima farther apart than that stay apart unless
///   points in between link them.
/// Never all pairs: the cells are found by hash tables on the host (O(N d) for the cells, O(m d log d)
/// for the hashes of m cells in the d shifted grids, and d passes of the tables) or by sorts on the CUDA
/// device (`where`, see grouped_on; where automatic took the device and its memory runs out on the way,
/// the host's). Both give the same groups. The host's work runs on `threads` OpenMP threads (0: all cores; at most
/// max_cpu_threads), with the same groups on any. Returns the `top` groups with least f, best first (all
/// when top <= 0); equal f: more members first, then the lower index of their best point.
/// Where `totals` is given, it gets how many groups there are in all and how many trajectories they hold.
/// Throws std::invalid_argument unless tol is finite and > 0, `where` is a backend_kind, r's arrays match its count and dim and
/// threads is in 0..max_cpu_threads; fdgd::error when CUDA is asked for and cannot be used.
std::vector<minimum_group> distinct_minima(const result& r, double tol = default_cluster_tol, int top = default_top,
                                           backend_kind where = backend_kind::automatic, int threads = 0,
                                           minima_totals* totals = nullptr);

/// Where distinct_minima(r, ..., where) finds the cells: cuda when asked for, or when automatic, r
/// ran on CUDA and the device's free memory now holds its points and their cells (on r.cuda_device;
/// device 0 for a CPU result; about 16 d + 128 bytes a point); cpu otherwise. Throws
/// std::invalid_argument where `where` is no backend_kind.
backend_kind grouped_on(const result& r, backend_kind where);

/// At most about how many bytes of host memory distinct_minima(r, tol, top, .., threads) takes for a
/// result of `count` trajectories of dimension `dim`, where every point is a cell of its own: 64 bytes a
/// point for the cells, the partitions of their hashes and the joins (56 where the host finds the
/// cells); up to 4 MB for the pairs of cells a CUDA pass joins; for the hashes of a block of the shifted
/// grids, 16 MB or dim bytes a point where that is more (8 dim bytes a point below 16 MB); from dim = 64,
/// 8 ((dim + 64) / 64) + 9 bytes a point for the shifted grids each cell shares; each busy thread's table of one
/// partition of the cells (a few thousand, up to count / 4096); and the `top` groups returned (all when top <= 0), 64 + 8 dim bytes
/// each. The cells' keys are not kept. For checking a run's size before it starts, beside host_bytes_needed. Throws
/// std::invalid_argument for count < 0, dim < 1 or threads outside 0..max_cpu_threads.
double grouping_bytes_needed(std::int64_t count, int dim, int threads = 0, int top = default_top);

/// Share of all trajectories (nonfinite and unresolved ones count as not reaching) whose final point is within `tol`
/// (max-norm) of one of the known minimizers. On `threads` OpenMP threads (0: all cores; at most
/// max_cpu_threads); 0 for a result of no trajectories (a default-constructed one too). Throws std::invalid_argument
/// unless tol is finite and > 0, there is a minimizer, every minimizer has r.dim coordinates (where r has
/// trajectories), r's arrays match its count and dim and threads is in 0..max_cpu_threads.
double share_reaching(const result& r, const known_minimum& m, double tol = default_cluster_tol, int threads = 0);

}  // namespace fdgd
