#include "fdgd/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

#include "fdgd/detail/number_text.hpp"

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

bool counts(const result& r, std::int64_t i) {
  return r.status[std::size_t(i)] != trajectory_status::nonfinite && std::isfinite(r.f[std::size_t(i)]);
}

}  // namespace

std::vector<minimum_group> distinct_minima(const result& r, double tol, int top) {
  if (!std::isfinite(tol) || !(tol > 0))
    throw std::invalid_argument("fdgd: invalid cluster tolerance " + detail::number_text(tol) + " (must be finite and > 0)");
  const int d = r.dim;
  auto point = [&](std::int64_t i) { return r.x.data() + std::size_t(i) * std::size_t(d); };

  // 1. Cells of side tol: points in one cell are within tol of each other.
  std::unordered_map<std::vector<std::int64_t>, std::size_t, cell_hash> cell_of;
  std::vector<std::int64_t> best, count;  // per cell: best member, members
  std::vector<std::int64_t> key(std::size_t(d), 0);
  for (std::int64_t i = 0; i < r.count; ++i) {
    if (!counts(r, i)) continue;
    for (int j = 0; j < d; ++j) key[std::size_t(j)] = std::int64_t(std::floor(point(i)[j] / tol));
    const auto [it, fresh] = cell_of.try_emplace(key, best.size());
    if (fresh) {
      best.push_back(i);
      count.push_back(0);
    }
    const std::size_t c = it->second;
    ++count[c];
    if (r.f[std::size_t(i)] < r.f[std::size_t(best[c])]) best[c] = i;
  }

  // 2. Merge neighbouring cells (one step along one axis) whose best points are within tol: this heals
  // a minimum split by a cell boundary. d lookups a cell, not 3^d: a minimum's points (spread far
  // less than tol) straddle two boundaries at once only with probability ~ (spread / tol)^2.
  union_find groups(best.size());
  for (const auto& [cell, c] : cell_of) {
    key = cell;
    for (int j = 0; j < d; ++j) {
      ++key[std::size_t(j)];
      const auto it = cell_of.find(key);
      if (it != cell_of.end() && within(point(best[c]), point(best[it->second]), d, tol)) groups.unite(c, it->second);
      --key[std::size_t(j)];
    }
  }

  std::unordered_map<std::size_t, minimum_group> merged;
  std::unordered_map<std::size_t, std::int64_t> leader;
  for (std::size_t c = 0; c < best.size(); ++c) {
    const std::size_t root = groups.find(c);
    auto [it, fresh] = leader.try_emplace(root, best[c]);
    if (!fresh && r.f[std::size_t(best[c])] < r.f[std::size_t(it->second)]) it->second = best[c];
    merged[root].count += count[c];
  }
  std::vector<minimum_group> out;
  for (auto& [root, g] : merged) {
    const std::int64_t i = leader[root];
    g.x.assign(point(i), point(i) + d);
    g.f = r.f[std::size_t(i)];
    g.share = double(g.count) / double(r.count);
    out.push_back(std::move(g));
  }
  std::sort(out.begin(), out.end(), [](const minimum_group& a, const minimum_group& b) {
    return a.f != b.f ? a.f < b.f : a.count > b.count;
  });
  if (top > 0 && out.size() > std::size_t(top)) out.resize(std::size_t(top));
  return out;
}

double share_reaching(const result& r, const known_minimum& m, double tol) {
  std::int64_t reached = 0;
  for (std::int64_t i = 0; i < r.count; ++i) {
    if (!counts(r, i)) continue;
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
