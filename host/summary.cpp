#include "fdgd/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

#include "fdgd/cuda_device.hpp"
#include "fdgd/detail/cell_grid.hpp"
#include "fdgd/detail/number_text.hpp"
#include "fdgd/error.hpp"
#include "fdgd/finite.hpp"
#include "host/summary_cells.hpp"

namespace fdgd {
namespace {

struct cell_hash {
  std::size_t operator()(const std::vector<std::int64_t>& key) const {
    std::size_t h = 1469598103934665603ull;
    for (const auto k : key) h = (h ^ std::size_t(k)) * 1099511628211ull;
    return h;
  }
};

struct union_find {
  std::vector<std::size_t> parent;
  explicit union_find(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t find(std::size_t a) {
    while (parent[a] != a) a = parent[a] = parent[parent[a]];
    return a;
  }
  void unite(std::size_t a, std::size_t b) { parent[find(a)] = find(b); }
};

bool within(const double* a, const double* b, int d, double tol) {
  for (int j = 0; j < d; ++j)
    if (!(std::fabs(a[j] - b[j]) <= tol)) return false;
  return true;
}

}  // namespace

namespace detail {

bool counted(const result& r, std::int64_t i) {
  return r.status[std::size_t(i)] != trajectory_status::nonfinite && is_finite(r.f[std::size_t(i)]);
}

cell_members cells_on_host(const result& r, double tol) {
  const int d = r.dim;
  std::unordered_map<std::vector<std::int64_t>, std::size_t, cell_hash> cell_of;
  cell_members c;
  std::vector<std::int64_t> key(std::size_t(d), 0);
  for (std::int64_t i = 0; i < r.count; ++i) {
    if (!counted(r, i)) continue;
    for (int j = 0; j < d; ++j) key[std::size_t(j)] = cell_coordinate(r.x[std::size_t(i) * std::size_t(d) + std::size_t(j)], tol);
    const auto [it, fresh] = cell_of.try_emplace(key, c.best.size());
    if (fresh) {
      c.best.push_back(i);
      c.count.push_back(0);
    }
    const std::size_t k = it->second;
    ++c.count[k];
    if (r.f[std::size_t(i)] < r.f[std::size_t(c.best[k])]) c.best[k] = i;  // ties keep the lower index
  }
  return c;
}

std::vector<minimum_group> merge_cells(const result& r, const cell_members& cells, double tol, int top) {
  const int d = r.dim;
  auto point = [&](std::int64_t i) { return r.x.data() + std::size_t(i) * std::size_t(d); };
  auto better = [&](std::int64_t i, std::int64_t k) {
    return r.f[std::size_t(i)] < r.f[std::size_t(k)] || (r.f[std::size_t(i)] == r.f[std::size_t(k)] && i < k);
  };
  std::unordered_map<std::vector<std::int64_t>, std::size_t, cell_hash> cell_of;
  std::vector<std::int64_t> key(std::size_t(d), 0);
  auto key_of = [&](std::int64_t i) {
    for (int j = 0; j < d; ++j) key[std::size_t(j)] = cell_coordinate(point(i)[j], tol);
  };
  for (std::size_t c = 0; c < cells.best.size(); ++c) {
    key_of(cells.best[c]);
    cell_of.emplace(key, c);
  }

  // Merge neighbouring cells (one step along one axis) whose best points are within tol: this heals
  // a minimum split by a cell boundary. d lookups a cell, not 3^d: a minimum's points (spread far
  // less than tol) straddle two boundaries at once only with probability ~ (spread / tol)^2.
  union_find groups(cells.best.size());
  for (const auto& [cell, c] : cell_of) {
    key = cell;
    for (int j = 0; j < d; ++j) {
      ++key[std::size_t(j)];
      const auto it = cell_of.find(key);
      if (it != cell_of.end() && within(point(cells.best[c]), point(cells.best[it->second]), d, tol)) groups.unite(c, it->second);
      --key[std::size_t(j)];
    }
  }

  std::unordered_map<std::size_t, std::int64_t> leader, members;
  for (std::size_t c = 0; c < cells.best.size(); ++c) {
    const std::size_t root = groups.find(c);
    auto [it, fresh] = leader.try_emplace(root, cells.best[c]);
    if (!fresh && better(cells.best[c], it->second)) it->second = cells.best[c];
    members[root] += cells.count[c];
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> found;  // (leader, count)
  for (const auto& [root, i] : leader) found.emplace_back(i, members[root]);
  // Best first; equal f: more members first, then the lower index, so the order is the same whatever
  // the cells' order (host and device pass 1 list them differently).
  std::sort(found.begin(), found.end(), [&](const auto& a, const auto& b) {
    if (r.f[std::size_t(a.first)] != r.f[std::size_t(b.first)]) return r.f[std::size_t(a.first)] < r.f[std::size_t(b.first)];
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (top > 0 && found.size() > std::size_t(top)) found.resize(std::size_t(top));
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

std::vector<minimum_group> distinct_minima(const result& r, double tol, int top, backend_kind where) {
  if (!std::isfinite(tol) || !(tol > 0))
    throw std::invalid_argument("fdgd: invalid cluster tolerance " + detail::number_text(tol) + " (must be finite and > 0)");
  if (grouped_on(r, where) == backend_kind::cpu) return detail::merge_cells(r, detail::cells_on_host(r, tol), tol, top);
  const int device = std::max(r.cuda_device, 0);
  require_cuda_device(device);
#if defined(FDGD_HAS_CUDA)
  return detail::merge_cells(r, detail::cells_on_cuda(r, tol, device), tol, top);
#else
  throw error("fdgd: this build has no CUDA backend");  // not reached: require_cuda_device threw
#endif
}

double share_reaching(const result& r, const known_minimum& m, double tol) {
  std::int64_t reached = 0;
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
