#include "fdgd/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <stdexcept>

#include "fdgd/cuda_device.hpp"
#include "fdgd/detail/cell_grid.hpp"
#include "fdgd/detail/host_loop.hpp"
#include "fdgd/detail/loop_failure.hpp"
#include "fdgd/detail/number_text.hpp"
#include "fdgd/error.hpp"
#include "fdgd/finite.hpp"
#include "host/cell_table.hpp"
#include "host/summary_cells.hpp"

namespace fdgd {
namespace {

bool within(const double* a, const double* b, int d, double tol) {
  for (int j = 0; j < d; ++j)
    if (!(std::fabs(a[j] - b[j]) <= tol)) return false;
  return true;
}

/// Items' cells in grid k: items partitioned by the hash of their cell, then each partition's cells
/// found in a table of its own, on `team` OpenMP threads; found(q, item, c, first, fresh) is called for
/// every item on the thread of its partition q, in the items' order there, with c its cell's number in
/// that partition (of 2^partition_bits(n)) and `first` the cell's first item. `point(item)` is the
/// item's point; hash_of(item) the cell_hash of its cell in grid k, or cell_hash::none for an item left
/// out; same(item, first) whether the item lies in the cell of item `first` (whose hash agrees in 24
/// bits); ahead(item) is called a few items before found(.., item, ..), to prefetch what found reads.
template <class PointOf, class HashOf, class Same, class Ahead, class Found>
void find_cells(std::size_t n, int team, PointOf&& point, HashOf&& hash_of, Same&& same, Ahead&& ahead, Found&& found) {
  const detail::cell_partitions p = detail::partition_cells(n, team, [&](std::size_t i) {
    const std::uint64_t h = hash_of(i);
    return h == detail::cell_hash::none ? h : detail::cell_hash::mixed(h);
  });
  const std::size_t parts = p.begin.size() - 1;
  detail::loop_failure failure;
#pragma omp parallel num_threads(team)
  {
    detail::cell_slots cells;
#pragma omp for schedule(dynamic)
    for (std::ptrdiff_t q = 0; q < std::ptrdiff_t(parts); ++q)
      failure.run([&] {
        cells.clear();
        const std::size_t end = p.begin[std::size_t(q) + 1];
        for (std::size_t e = p.begin[std::size_t(q)]; e < end; ++e) {
          if (e + 8 < end) {
            __builtin_prefetch(point(p.item[e + 8]));
            ahead(p.item[e + 8]);
          }
          bool fresh = false;
          // Keys are compared only where 24 bits of the hash agree too, so rarely but for the same cell:
          // computed from the points then rather than kept.
          const std::size_t c = cells.insert(
              p.mixed[e], p.item[e], [&](std::size_t other) { return same(p.item[e], cells.first(other)); }, fresh);
          found(std::size_t(q), p.item[e], c, cells.first(c), fresh);
        }
      });
  }
  failure.rethrow();
}

}  // namespace

namespace detail {

bool counted(const result& r, std::int64_t i) { return counted(r.status[std::size_t(i)], r.f[std::size_t(i)]); }

cell_members cells_on_host(const result& r, double tol, int threads) {
  const int d = r.dim, team = openmp_team(threads);
  std::vector<cell_members> found(std::size_t(1) << partition_bits(std::size_t(r.count)));
  auto point = [&](std::uint64_t i) { return r.x.data() + i * std::size_t(d); };
  find_cells(
      std::size_t(r.count), team, point,
      [&](std::uint64_t i) {
        return counted(r, std::int64_t(i)) && on_grid(point(i), d, tol) ? cell_hash::of_point(point(i), d, tol, 0)
                                                                        : cell_hash::none;
      },
      [&](std::uint64_t i, std::uint64_t first) { return same_cell(point(i), point(first), d, tol, 0); },
      [&](std::uint64_t i) { __builtin_prefetch(&r.f[i]); },
      [&](std::size_t q, std::uint64_t i, std::size_t c, std::uint64_t, bool fresh) {
        cell_members& out = found[q];
        if (fresh) {
          out.best.push_back(std::int64_t(i));
          out.count.push_back(0);
        }
        ++out.count[c];
        if (r.f[i] < r.f[std::size_t(out.best[c])]) out.best[c] = std::int64_t(i);  // ties keep the lower index
      });
  // The cells in the order of their best members, so that the merge's passes over their points read x
  // forwards: each best member's rank among them, from a bit an item.
  const std::size_t words = (std::size_t(r.count) + 63) / 64;
  std::vector<std::uint64_t> marked(words, 0), before(words);  // before: marked items in earlier words
  for (const auto& f : found)
    for (const std::int64_t b : f.best) marked[std::size_t(b) / 64] |= std::uint64_t(1) << (b % 64);
  std::size_t m = 0;
  for (std::size_t w = 0; w < words; ++w) {
    before[w] = m;
    m += std::size_t(__builtin_popcountll(marked[w]));
  }
  cell_members all;
  all.best.resize(m);
  all.count.resize(m);
  for (auto& f : found) {
    for (std::size_t c = 0; c < f.best.size(); ++c) {
      const auto b = std::uint64_t(f.best[c]);
      const std::size_t at =
          before[b / 64] + std::size_t(__builtin_popcountll(marked[b / 64] & ((std::uint64_t(1) << (b % 64)) - 1)));
      all.best[at] = f.best[c];
      all.count[at] = f.count[c];
    }
    f = cell_members{};
  }
  return all;
}

int first_drop(double v, double tol, int d, std::int64_t c) {
  auto drops = [&](int k) { return k > d || detail::cell_coordinate(v, tol, k, d) < c; };  // k = d + 1: never
  const double q = v / tol - detail::grid_offset;
  const int guess = int(std::min(double(d + 1), std::max(1.0, std::floor((q - std::floor(q)) * (d + 1)) + 1)));
  if (drops(guess) && (guess == 1 || !drops(guess - 1))) return guess;
  int lo = 1, hi = d + 1;
  while (lo < hi) {
    const int mid = lo + (hi - lo) / 2;
    if (drops(mid))
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

bool shared_grids(const double* a, const double* b, int d, double tol, std::uint64_t* bits, std::vector<int>& change) {
  using detail::cell_coordinate;
  change.assign(std::size_t(d) + 2, 0);  // +1 at the first grid of a range of disagreement, -1 past its end
  auto disagree = [&](int lo, int hi) {  // grids lo .. hi - 1
    lo = std::max(lo, 1), hi = std::min(hi, d + 1);
    if (lo < hi) ++change[std::size_t(lo)], --change[std::size_t(hi)];
  };
  // One drop at most in grids 1 .. d, to c - 1 at grid k, or none (k = d + 1).
  auto one_drop = [&](double v, std::int64_t c, int k) {
    return k > d ? cell_coordinate(v, tol, d, d) == c
                 : cell_coordinate(v, tol, k, d) == c - 1 && cell_coordinate(v, tol, d, d) == c - 1;
  };
  for (int j = 0; j < d; ++j) {
    const std::int64_t ca = cell_coordinate(a[j], tol), cb = cell_coordinate(b[j], tol);
    if (ca > cb + 1 || cb > ca + 1) {
      disagree(1, d + 1);
      continue;
    }
    const int ka = first_drop(a[j], tol, d, ca), kb = first_drop(b[j], tol, d, cb);
    if (!one_drop(a[j], ca, ka) || !one_drop(b[j], cb, kb)) return false;
    // In grid k the indices are ca - [k >= ka] and cb - [k >= kb].
    if (ca == cb) {
      disagree(std::min(ka, kb), std::max(ka, kb));
    } else {  // equal where the higher has dropped and the lower not
      const int high = ca > cb ? ka : kb, low = ca > cb ? kb : ka;
      disagree(1, high);
      disagree(std::max(high, low), d + 1);
    }
  }
  const int words = (d + 64) / 64;
  std::fill(bits, bits + words, std::uint64_t(0));
  for (int k = 1, apart = 0; k <= d; ++k)
    if ((apart += change[std::size_t(k)]) == 0) bits[k / 64] |= std::uint64_t(1) << (k % 64);
  return true;
}

namespace {

/// Whether the merge's key checks go through shared_grid_memo: from d = 64, where its d bits a cell are
/// at most 1/64 of the cells' points, and each check it spares costs d cell indices twice.
constexpr int memo_from_dim = 64;

/// For the merge: the grids each cell's best point shares a cell in with the first point of the cell
/// it is checked against, kept from grid to grid while that cell stays the same. A cluster split by a
/// boundary of grid 0 has its cells checked against one another in every grid: O(d) a pair, not O(d) a
/// pair and grid. The grids are worked out (about 5 same_cell checks' work) at a pair's second check in
/// a row, so that a cell checked against another cell each time costs what it did. Each cell's entry is
/// written only by the thread its item is on.
class shared_grid_memo {
 public:
  shared_grid_memo(std::size_t m, int d)
      : d_(d), words_(std::size_t(d + 64) / 64), with_(m, none), state_(m, seen_once), bits_(m * words_) {}
  /// Whether cell c's best point a lies in the cell of grid k that holds cell `other`'s best point b.
  bool same(std::size_t c, std::uint64_t other, const double* a, const double* b, double tol, int k, std::vector<int>& change) {
    std::uint64_t* bits = bits_.data() + c * words_;
    if (with_[c] != other) {
      with_[c] = other;
      state_[c] = seen_once;
    } else if (state_[c] == seen_once) {
      state_[c] = shared_grids(a, b, d_, tol, bits, change) ? known : unknowable;
    }
    if (state_[c] == known) return (bits[std::size_t(k) / 64] >> (k % 64)) & 1;
    return detail::same_cell(a, b, d_, tol, k);
  }

 private:
  static constexpr std::uint64_t none = ~std::uint64_t(0);
  enum : std::uint8_t { seen_once, known, unknowable };  // unknowable: shared_grids could not say
  int d_;
  std::size_t words_;
  std::vector<std::uint64_t> with_;
  std::vector<std::uint8_t> state_;
  std::vector<std::uint64_t> bits_;
};

/// cell_hash::of_point(x, d, tol, k) for the grids k = k0 .. k0 + g - 1, in out[0 .. g - 1], in O(d log d + g)
/// rather than O(d g): along each axis a point's index in grid k is its index in grid 0, less one from
/// the first grid whose shift takes the point out of its cell (cell_coordinate is monotone in k).
void hashes_in_grids(const double* x, int d, double tol, int k0, int g, std::uint64_t* out) {
  using detail::cell_coordinate;
  using detail::cell_hash;
  std::fill(out, out + g, std::uint64_t(0));  // first the changes at each grid
  std::uint64_t base = 0;
  for (int j = 0; j < d; ++j) {
    const std::int64_t c = cell_coordinate(x[j], tol);
    base += cell_hash::term(std::size_t(j), c);
    const int k = first_drop(x[j], tol, d, c);
    if (k > d || k >= k0 + g) continue;
    const std::uint64_t change = cell_hash::term(std::size_t(j), c - 1) - cell_hash::term(std::size_t(j), c);
    if (k < k0)
      base += change;
    else
      out[k - k0] += change;
  }
  for (int i = 0; i < g; ++i) out[i] = base += out[i];
}

/// The merge's joins on the host: cells whose best points share a cell of grid k, for k = 1 .. d. The
/// grids' hashes are worked out for a block of grids at a time (shifted_hashes_a_block), where a block
/// holds 4 grids or more (a block costs about 3 grids' hashes); else in each grid's own pass.
void join_shifted_on_host(const result& r, const cell_members& cells, double tol, int team, union_find& groups) {
  const int d = r.dim;
  const std::size_t m = cells.best.size();
  if (m < 2) return;
  // d passes of a few parallel regions each: for a few cells at a large d, the threads' start-up was
  // the whole cost (1 point at d = 60000: 0.09 s alone, 14 s on 2 busy cores; 0.07 s on one thread).
  if (m < (std::size_t(1) << 14)) team = 1;
  auto point = [&](std::uint64_t c) { return r.x.data() + std::size_t(cells.best[c]) * std::size_t(d); };
  const int fit =
      int(std::clamp<std::size_t>(detail::shifted_hashes_a_block(m, d) / std::max<std::size_t>(m, 1), 1, std::size_t(d)));
  const int g = fit >= 4 ? fit : 1;                                   // grids a block
  std::vector<std::uint64_t> hashes(g > 1 ? m * std::size_t(g) : 0);  // a block's, by cell
  std::vector<std::uint64_t> first(m);                                // each cell's first cell in its cell of grid k
  std::optional<shared_grid_memo> memo;
  if (d >= memo_from_dim) memo.emplace(m, d);
  std::size_t groups_left = m;  // all in one: the grids left can join nothing
  for (int k0 = 1; k0 <= d && groups_left > 1; k0 += g) {
    const int here = std::min(g, d + 1 - k0);
    if (!hashes.empty()) {
#pragma omp parallel for schedule(static) num_threads(team)
      for (std::ptrdiff_t c = 0; c < std::ptrdiff_t(m); ++c)
        hashes_in_grids(point(std::uint64_t(c)), d, tol, k0, here, hashes.data() + std::size_t(c) * std::size_t(g));
    }
    for (int k = k0; k < k0 + here && groups_left > 1; ++k) {
      find_cells(
          m, team, point,
          [&](std::uint64_t c) {
            return hashes.empty() ? detail::cell_hash::of_point(point(c), d, tol, k)
                                  : hashes[c * std::size_t(g) + std::size_t(k - k0)];
          },
          [&](std::uint64_t c, std::uint64_t other) {
            if (!memo) return detail::same_cell(point(c), point(other), d, tol, k);
            thread_local std::vector<int> change;
            return memo->same(std::size_t(c), other, point(c), point(other), tol, k, change);
          },
          [&](std::uint64_t c) { __builtin_prefetch(&first[c], 1); },
          [&](std::size_t, std::uint64_t c, std::size_t, std::uint64_t head, bool) { first[c] = head; });
      for (std::size_t c = 0; c < m; ++c)
        if (first[c] != c) groups_left -= groups.unite(c, std::size_t(first[c]));
    }
  }
}

}  // namespace

std::vector<minimum_group> merge_cells(const result& r, const cell_members& cells, double tol, int top, int threads,
                                       minima_totals* totals) {
  const int d = r.dim;
  const std::size_t m = cells.best.size();
  auto point = [&](std::int64_t i) { return r.x.data() + std::size_t(i) * std::size_t(d); };
  auto better = [&](std::int64_t i, std::int64_t k) {
    return r.f[std::size_t(i)] < r.f[std::size_t(k)] || (r.f[std::size_t(i)] == r.f[std::size_t(k)] && i < k);
  };
  // Join cells whose best points share a cell of one of the shifted grids: this heals a minimum split
  // by boundaries of grid 0, however many (cell_coordinate).
  union_find groups(m);
  if (!cells.group.empty()) {
    for (std::size_t c = 0; c < m; ++c) groups.unite(c, std::size_t(cells.group[c]));
  } else {
    join_shifted_on_host(r, cells, tol, openmp_team(threads), groups);
  }

  std::vector<std::int64_t> leader(m, -1), members(m, 0);
  std::size_t roots = 0;
  for (std::size_t c = 0; c < m; ++c) {
    const std::size_t root = groups.find(c);
    roots += leader[root] < 0;
    if (leader[root] < 0 || better(cells.best[c], leader[root])) leader[root] = cells.best[c];
    members[root] += cells.count[c];
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> found;  // (leader, count)
  found.reserve(roots);
  for (std::size_t c = 0; c < m; ++c)
    if (groups.parent[c] == c) found.emplace_back(leader[c], members[c]);
  // Best first; equal f: more members first, then the lower index, so the order is the same whatever
  // the cells' order (host and device pass 1 list them differently).
  auto first = [&](const std::pair<std::int64_t, std::int64_t>& a, const std::pair<std::int64_t, std::int64_t>& b) {
    if (r.f[std::size_t(a.first)] != r.f[std::size_t(b.first)]) return r.f[std::size_t(a.first)] < r.f[std::size_t(b.first)];
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  if (totals) {
    totals->groups = std::int64_t(found.size());
    totals->grouped = std::accumulate(cells.count.begin(), cells.count.end(), std::int64_t(0));
  }
  const std::size_t kept = top > 0 ? std::min(found.size(), std::size_t(top)) : found.size();
  std::partial_sort(found.begin(), found.begin() + std::ptrdiff_t(kept), found.end(), first);
  found.resize(kept);
  std::vector<minimum_group> out;
  out.reserve(found.size());
  for (const auto& [i, n] : found) {
    minimum_group g;
    g.x.assign(point(i), point(i) + d);
    g.f = r.f[std::size_t(i)];
    g.count = n;
    g.share = double(n) / double(r.count);
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace detail

backend_kind grouped_on(const result& r, backend_kind where) {
  if (where != backend_kind::automatic && where != backend_kind::cpu && where != backend_kind::cuda)
    throw std::invalid_argument("fdgd: grouped_on: invalid backend_kind " + std::to_string(int(where)));
  if (where != backend_kind::automatic) return where;
#if defined(FDGD_HAS_CUDA)
  if (r.cuda_device >= 0 && detail::cells_fit_on_cuda(r)) return backend_kind::cuda;
#else
  (void)r;                                              // no result of this build ran on CUDA
#endif
  return backend_kind::cpu;
}

std::vector<minimum_group> distinct_minima(const result& r, double tol, int top, backend_kind where, int threads,
                                           minima_totals* totals) {
  r.check_shape();
  detail::checked_team(threads, "distinct_minima");
  if (!std::isfinite(tol) || !(tol > 0))
    throw std::invalid_argument("fdgd: invalid cluster tolerance " + detail::number_text(tol) + " (must be finite and > 0)");
  if (where != backend_kind::automatic && where != backend_kind::cpu && where != backend_kind::cuda)
    throw std::invalid_argument("fdgd: distinct_minima: invalid backend_kind " + std::to_string(int(where)));
  if (totals) *totals = minima_totals{};
  if (r.count == 0) return {};  // r.dim may be 0
  if (grouped_on(r, where) == backend_kind::cpu)
    return detail::merge_cells(r, detail::cells_on_host(r, tol, threads), tol, top, threads, totals);
  const int device = std::max(r.cuda_device, 0);
  require_cuda_device(device);
#if defined(FDGD_HAS_CUDA)
  // Automatic took the device for its free memory, which another process may take meanwhile: then the host.
  auto cells = detail::cells_on_cuda(r, tol, device, /*or_none=*/where == backend_kind::automatic);
  if (!cells) return detail::merge_cells(r, detail::cells_on_host(r, tol, threads), tol, top, threads, totals);
  if (totals) totals->grouped_on = backend_kind::cuda;
  return detail::merge_cells(r, *cells, tol, top, threads, totals);
#else
  throw error("fdgd: this build has no CUDA backend");  // not reached: require_cuda_device threw
#endif
}

double grouping_bytes_needed(std::int64_t count, int dim, int threads, int top) {
  const double team = double(detail::checked_team(threads, "grouping_bytes_needed"));
  if (count < 0 || dim < 1)
    throw std::invalid_argument("fdgd: grouping_bytes_needed: count = " + std::to_string(count) + ", dim = " + std::to_string(dim) +
                                " (count must be >= 0, dim >= 1)");
  if (count == 0) return 0;
  // A cell's bytes at the peak, in the merge: the cells found (best, count) and the union-find, then on
  // the host each cell's first in its cell of a shifted grid and the cells partitioned (item, mixed
  // hash, and the hashes before they are placed): 56; after a CUDA pass, each cell's group, and the
  // leaders, member counts and groups found: 64. Besides, each range's counts of its items in every
  // partition. Finding the cells takes less (the points partitioned, and the cells as they are found
  // and gathered).
  const double n = double(count), parts = double(std::size_t(1) << detail::partition_bits(std::size_t(count)));
  const double merging = n * 64 + team * (parts + 1) * 8;
  // The pairs a CUDA pass joins on the host: at most 2^18 at a time, 16 bytes each.
  const double pairs = std::min(n, 262144.0) * 16;
  // Each thread busy with a partition holds its table (not the cells' keys), in vectors that grow: up
  // to 6 slots a cell while the slots move, three times the first items and mixed hashes. The largest
  // partitions hold a little more than count / parts.
  const double busy = std::min(team, parts), largest = std::min(n, 1.25 * n / parts + 256);
  // The hashes of a block of shifted grids.
  const double block = double(detail::shifted_hashes_a_block(std::size_t(count), dim)) * 8;
  // From d = 64, the merge's shared grids of each cell's last check (shared_grid_memo): d bits a cell.
  const double memo = dim >= detail::memo_from_dim ? n * (8 + 1 + 8 * std::floor((double(dim) + 64) / 64)) : 0;
  // The groups returned, each with its best point.
  const double groups = (top > 0 ? std::min(n, double(top)) : n) * (double(sizeof(minimum_group)) + 16 + 8 * double(dim));
  return merging + pairs + block + memo + busy * largest * (6 * 8 + 3 * 2 * 8) + groups;
}

double share_reaching(const result& r, const known_minimum& m, double tol, int threads) {
  r.check_shape();
  const int team = detail::checked_team(threads, "share_reaching");
  if (!std::isfinite(tol) || !(tol > 0))
    throw std::invalid_argument("fdgd: share_reaching: invalid tolerance " + detail::number_text(tol) +
                                " (must be finite and > 0)");
  if (m.points.empty()) throw std::invalid_argument("fdgd: share_reaching: a known minimum with no minimizer");
  if (r.count == 0) return 0.0;  // a result with no trajectories (a default one has dimension 0)
  for (const auto& p : m.points) {
    if (int(p.size()) != r.dim)
      throw std::invalid_argument("fdgd: share_reaching: a minimizer of " + std::to_string(p.size()) +
                                  " coordinates for a result of dimension " + std::to_string(r.dim));
    for (const double c : p)
      if (!std::isfinite(c))
        throw std::invalid_argument("fdgd: share_reaching: a minimizer with the coordinate " + detail::number_text(c) +
                                    " (no start ends near it)");
  }
  std::int64_t reached = 0;
#pragma omp parallel for schedule(static) reduction(+ : reached) num_threads(team)
  for (std::int64_t i = 0; i < r.count; ++i) {
    if (!detail::counted(r, i)) continue;
    const double* x = r.x.data() + std::size_t(i) * std::size_t(r.dim);
    for (const auto& p : m.points)
      if (within(x, p.data(), r.dim, tol)) {
        ++reached;
        break;
      }
  }
  return double(reached) / double(r.count);
}

}  // namespace fdgd
