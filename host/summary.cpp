#include "fdgd/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
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

using detail::cell_coordinate;

/// cell_hash::of the cell holding x, without its key.
std::uint64_t hash_of_cell(const double* x, int d, double tol) {
  std::uint64_t h = 0;
  for (int j = 0; j < d; ++j) h += detail::cell_hash::term(std::size_t(j), cell_coordinate(x[j], tol));
  return h;
}

bool has_key(const double* x, const std::int64_t* key, int d, double tol) {
  for (int j = 0; j < d; ++j)
    if (cell_coordinate(x[j], tol) != key[j]) return false;
  return true;
}

}  // namespace

namespace detail {

bool counted(const result& r, std::int64_t i) { return counted(r.status[std::size_t(i)], r.f[std::size_t(i)]); }

cell_members cells_on_host(const result& r, double tol, int threads) {
  const int d = r.dim, team = openmp_team(threads);
  auto point = [&](std::uint64_t i) { return r.x.data() + i * std::size_t(d); };
  cell_partitions p = partition_cells(std::size_t(r.count), team, [&](std::size_t i) {
    const double* x = point(i);
    return counted(r, std::int64_t(i)) && on_grid(x, d, tol) ? cell_hash::mixed(hash_of_cell(x, d, tol)) : cell_hash::none;
  });
  const std::size_t parts = p.begin.size() - 1;
  std::vector<cell_members> found(parts);
  loop_failure failure;
#pragma omp parallel num_threads(team)
  {
    cell_slots cells;
    std::vector<std::int64_t> keys, key;  // the partition's cells' keys, d each
#pragma omp for schedule(dynamic)
    for (std::ptrdiff_t q = 0; q < std::ptrdiff_t(parts); ++q)
      failure.run([&] {
        cells.clear();
        keys.clear();
        key.resize(std::size_t(d));
        cell_members& out = found[std::size_t(q)];
        for (std::size_t k = p.begin[std::size_t(q)]; k < p.begin[std::size_t(q) + 1]; ++k) {
          const std::uint64_t i = p.item[k];
          if (k + 8 < p.begin[std::size_t(q) + 1]) {  // the items lie anywhere in x and f
            __builtin_prefetch(point(p.item[k + 8]));
            __builtin_prefetch(&r.f[p.item[k + 8]]);
          }
          for (int j = 0; j < d; ++j) key[std::size_t(j)] = cell_coordinate(point(i)[j], tol);
          bool fresh = false;
          const std::size_t c = cells.insert(
              p.mixed[k], i,
              [&](std::size_t other) {
                return std::equal(key.begin(), key.end(), keys.begin() + std::ptrdiff_t(other * std::size_t(d)));
              },
              fresh);
          if (fresh) {
            keys.insert(keys.end(), key.begin(), key.end());
            out.best.push_back(std::int64_t(i));
            out.count.push_back(0);
          }
          ++out.count[c];
          if (r.f[i] < r.f[std::size_t(out.best[c])]) out.best[c] = std::int64_t(i);  // ties keep the lower index
        }
      });
  }
  failure.rethrow();
  p = cell_partitions{};
  cell_members all;
  std::size_t m = 0;
  for (const auto& f : found) m += f.best.size();
  all.best.reserve(m);
  all.count.reserve(m);
  for (auto& f : found) {
    all.best.insert(all.best.end(), f.best.begin(), f.best.end());
    all.count.insert(all.count.end(), f.count.begin(), f.count.end());
    f = cell_members{};
  }
  return all;
}

namespace {

/// The merge's pairs on the host: every cell's d neighbours up one axis looked up in the cells' tables,
/// those whose best points lie within tol joined in `groups`.
void join_neighbours_on_host(const result& r, const cell_members& cells, double tol, int team, union_find& groups) {
  const int d = r.dim;
  const std::size_t m = cells.best.size();
  auto point = [&](std::int64_t i) { return r.x.data() + std::size_t(i) * std::size_t(d); };
  auto key_of = [&](std::size_t c, std::int64_t* key) {
    const double* x = point(cells.best[c]);
    for (int j = 0; j < d; ++j) key[j] = cell_coordinate(x[j], tol);
  };
  // The cells again by key (a cell's key is its best member's), a table a partition, each cell known
  // by its number in `cells`.
  std::vector<cell_slots> index;
  int bits = 0;
  {
    const cell_partitions p = partition_cells(m, team, [&](std::size_t c) {
      if (c + 8 < m) __builtin_prefetch(point(cells.best[c + 8]));  // the best points lie anywhere in x
      return cell_hash::mixed(hash_of_cell(point(cells.best[c]), d, tol));
    });
    bits = p.bits;
    index.resize(p.begin.size() - 1);
    loop_failure failure;
#pragma omp parallel for schedule(dynamic) num_threads(team)
    for (std::ptrdiff_t q = 0; q < std::ptrdiff_t(index.size()); ++q)
      failure.run([&] {
        cell_slots& cells_here = index[std::size_t(q)];
        cells_here.reserve(p.begin[std::size_t(q) + 1] - p.begin[std::size_t(q)]);
        for (std::size_t k = p.begin[std::size_t(q)]; k < p.begin[std::size_t(q) + 1]; ++k) {
          bool fresh = false;
          cells_here.insert(
              p.mixed[k], p.item[k], [](std::size_t) { return false; }, fresh);  // cells are distinct
        }
      });
    failure.rethrow();
  }

  // The pairs found on the threads, a block of cells at a time (2^16 lookups, so that the pairs take
  // little memory wherever the points lie), then joined here.
  const std::size_t block = std::max<std::size_t>(1, (std::size_t(1) << 16) / std::size_t(d));
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> pairs(static_cast<std::size_t>(team));
  for (std::size_t from = 0; from < m; from += block) {
    const std::size_t to = std::min(m, from + block);
    loop_failure failure;
#pragma omp parallel num_threads(team)
    {
      std::vector<std::int64_t> key;
      auto& mine = pairs[std::size_t(cpu_thread_index())];
      const std::uint64_t part = (std::uint64_t(1) << bits) - 1;
      constexpr int probes = 16, ahead = 8;  // lookups issued together, so their cache misses overlap
      std::uint64_t probe[probes];
#pragma omp for schedule(static)
      for (std::ptrdiff_t c = std::ptrdiff_t(from); c < std::ptrdiff_t(to); ++c)
        failure.run([&] {
          if (std::size_t(c) + ahead < to) __builtin_prefetch(point(cells.best[std::size_t(c) + ahead]));
          key.resize(std::size_t(d));
          key_of(std::size_t(c), key.data());
          const std::uint64_t h = cell_hash::of(key.data(), d);
          for (int j0 = 0; j0 < d; j0 += probes) {
            const int j1 = std::min(d, j0 + probes);
            for (int j = j0; j < j1; ++j) {
              probe[j - j0] = cell_hash::mixed(cell_hash::moved(h, std::size_t(j), key[std::size_t(j)], key[std::size_t(j)] + 1));
              index[std::size_t(probe[j - j0] & part)].prefetch(probe[j - j0]);
            }
            for (int j = j0; j < j1; ++j) {
              const cell_slots& there = index[std::size_t(probe[j - j0] & part)];
              ++key[std::size_t(j)];
              const std::size_t found = there.find(probe[j - j0], [&](std::size_t other) {
                return has_key(point(cells.best[there.first(other)]), key.data(), d, tol);
              });
              --key[std::size_t(j)];
              if (found == cell_slots::none) continue;
              const std::size_t other = std::size_t(there.first(found));
              if (within(point(cells.best[std::size_t(c)]), point(cells.best[other]), d, tol))
                mine.emplace_back(std::size_t(c), other);
            }
          }
        });
    }
    failure.rethrow();
    for (auto& mine : pairs) {
      for (const auto& [a, b] : mine) groups.unite(a, b);
      mine.clear();
    }
  }
}

}  // namespace

std::vector<minimum_group> merge_cells(const result& r, const cell_members& cells, double tol, int top, int threads) {
  const int d = r.dim;
  const std::size_t m = cells.best.size();
  auto point = [&](std::int64_t i) { return r.x.data() + std::size_t(i) * std::size_t(d); };
  auto better = [&](std::int64_t i, std::int64_t k) {
    return r.f[std::size_t(i)] < r.f[std::size_t(k)] || (r.f[std::size_t(i)] == r.f[std::size_t(k)] && i < k);
  };
  // Merge neighbouring cells (one step along one axis) whose best points are within tol: this heals
  // a minimum split by a cell boundary. d lookups a cell, not 3^d: a minimum's points (spread far
  // less than tol) straddle two boundaries at once only with probability ~ (spread / tol)^2.
  union_find groups(m);
  if (!cells.group.empty()) {
    for (std::size_t c = 0; c < m; ++c) groups.unite(c, std::size_t(cells.group[c]));
  } else {
    join_neighbours_on_host(r, cells, tol, openmp_team(threads), groups);
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
  const std::size_t kept = top > 0 ? std::min(found.size(), std::size_t(top)) : found.size();
  std::partial_sort(found.begin(), found.begin() + std::ptrdiff_t(kept), found.end(), first);
  found.resize(kept);
  std::vector<minimum_group> out;
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
  if (where == backend_kind::automatic) return r.cuda_device >= 0 ? backend_kind::cuda : backend_kind::cpu;
  return where;
}

namespace {

/// A result filled by hand can disagree with itself; the grouping indexes by count and dim.
void check_shape(const result& r) {
  const auto n = std::size_t(std::max<std::int64_t>(r.count, 0));
  if (r.count < 0 || (r.count > 0 && r.dim < 1) || r.x.size() != n * std::size_t(std::max(r.dim, 0)) || r.f.size() != n ||
      r.status.size() != n)
    throw std::invalid_argument("fdgd: inconsistent result: count " + std::to_string(r.count) + ", dim " + std::to_string(r.dim) +
                                ", " + std::to_string(r.x.size()) + " coordinates, " + std::to_string(r.f.size()) +
                                " values of f, " + std::to_string(r.status.size()) + " statuses");
}

}  // namespace

std::vector<minimum_group> distinct_minima(const result& r, double tol, int top, backend_kind where, int threads) {
  check_shape(r);
  detail::checked_team(threads, "distinct_minima");
  if (!std::isfinite(tol) || !(tol > 0))
    throw std::invalid_argument("fdgd: invalid cluster tolerance " + detail::number_text(tol) + " (must be finite and > 0)");
  if (grouped_on(r, where) == backend_kind::cpu)
    return detail::merge_cells(r, detail::cells_on_host(r, tol, threads), tol, top, threads);
  const int device = std::max(r.cuda_device, 0);
  require_cuda_device(device);
#if defined(FDGD_HAS_CUDA)
  return detail::merge_cells(r, detail::cells_on_cuda(r, tol, device), tol, top, threads);
#else
  throw error("fdgd: this build has no CUDA backend");  // not reached: require_cuda_device threw
#endif
}

double grouping_bytes_needed(std::int64_t count, int dim, int threads) {
  const double team = double(detail::checked_team(threads, "grouping_bytes_needed"));
  if (count < 0 || dim < 1)
    throw std::invalid_argument("fdgd: grouping_bytes_needed: count = " + std::to_string(count) + ", dim = " + std::to_string(dim) +
                                " (count must be >= 0, dim >= 1)");
  if (count == 0) return 0;
  // A cell's bytes at the merge's peak: the cells found (best, count), the union-find, the partitioned
  // cells (item, mixed hash) and the tables (up to 4 slots a cell, 64 at least a partition; first item
  // and mixed hash). Finding the cells takes less (48).
  const double n = double(count), parts = double(std::size_t(1) << detail::partition_bits(std::size_t(count)));
  const double merging = n * (16 + 8 + 16 + 4 * 8 + 2 * 8) + parts * 64 * 8;
  // The neighbouring pairs found before they are joined: at most 2^18 at a time (the device's slice;
  // 2^16 on the host), 16 bytes each, in vectors that grow (up to three times their size as they move).
  const double pairs = std::min(n * dim, 262144.0) * 16 * 3;
  // Besides, each thread busy with a partition holds its table, with the partition's keys, vectors
  // that grow: up to 6 slots a cell while the slots move, three times the first items, mixed hashes
  // and keys. The largest partitions hold a little more than count / parts.
  const double busy = std::min(team, parts), largest = std::min(n, 1.25 * n / parts + 256);
  return merging + pairs + busy * largest * (6 * 8 + 3 * 2 * 8 + 3 * 8 * double(dim));
}

double share_reaching(const result& r, const known_minimum& m, double tol, int threads) {
  check_shape(r);
  const int team = detail::checked_team(threads, "share_reaching");
  std::int64_t reached = 0;
#pragma omp parallel for schedule(static) reduction(+ : reached) num_threads(team)
  for (std::int64_t i = 0; i < r.count; ++i) {
    if (!detail::counted(r, i)) continue;
    const double* x = r.x.data() + std::size_t(i) * std::size_t(r.dim);
    for (const auto& p : m.points)
      if (int(p.size()) == r.dim && within(x, p.data(), r.dim, tol)) {
        ++reached;
        break;
      }
  }
  return r.count ? double(reached) / double(r.count) : 0.0;
}

}  // namespace fdgd
