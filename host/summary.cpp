#include "fdgd/summary.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "fdgd/cuda_device.hpp"
#include "fdgd/detail/cell_grid.hpp"
#include "fdgd/detail/number_text.hpp"
#include "fdgd/error.hpp"
#include "fdgd/finite.hpp"
#include "host/summary_cells.hpp"

namespace fdgd {
namespace {

/// Grid cells by their integer coordinates: the keys in one flat array (d a cell, in the order the
/// cells came), found through an open-addressing table. No allocation a cell, which matters at
/// 10^6 scattered points.
class cell_index {
 public:
  static constexpr std::size_t none = ~std::size_t(0);

  explicit cell_index(int d) : d_(std::size_t(d)) {}
  std::size_t size() const { return keys_.size() / d_; }
  const std::int64_t* key(std::size_t c) const { return keys_.data() + c * d_; }

  /// The cell with `key`, added as cell size() when it is new (`fresh`).
  std::size_t insert(const std::int64_t* key, bool& fresh) {
    if ((size() + 1) * 2 > slots_.size()) grow();
    if (size() >= index_mask) throw std::length_error("fdgd: distinct_minima: more than 2^40 cells");
    const std::uint64_t h = hash(key);
    const std::size_t s = slot_of(key, h);
    fresh = slots_[s] == empty;
    if (fresh) {
      slots_[s] = tag_of(mixed(h)) | size();
      keys_.insert(keys_.end(), key, key + d_);
    }
    return std::size_t(slots_[s] & index_mask);
  }

  /// The cell with `key`, whose hash() is h, or none.
  std::size_t find(const std::int64_t* key, std::uint64_t h) const {
    if (slots_.empty()) return none;
    const std::uint64_t slot = slots_[slot_of(key, h)];
    return slot == empty ? none : std::size_t(slot & index_mask);
  }

  /// A sum of one term a coordinate, so that a key one step away along axis j hashes in O(1)
  /// (moved()): merge_cells looks up d neighbours of every cell, O(d^2) a cell with a hash that
  /// had to be recomputed whole (64 starts at d = 6000: 2.6 s).
  static std::uint64_t term(std::size_t j, std::int64_t k) {
    std::uint64_t z = std::uint64_t(k) * 0x9E3779B97F4A7C15ull + std::uint64_t(j) * 0xD1B54A32D192ED03ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::uint64_t hash(const std::int64_t* key) const {
    std::uint64_t h = 0;
    for (std::size_t j = 0; j < d_; ++j) h += term(j, key[j]);
    return h;
  }
  /// hash() of a key with coordinate j changed from `from` to `to`, given h for the key before.
  static std::uint64_t moved(std::uint64_t h, std::size_t j, std::int64_t from, std::int64_t to) {
    return h - term(j, from) + term(j, to);
  }

 private:
  // A slot holds a cell's index (low 40 bits) under 24 bits of its key's hash (the tag): a probe
  // reads a cell's key only when the tags agree, so that looking up a key that is not there, as most
  // neighbours of scattered points are not, seldom touches the keys (2e6 scattered points of d = 8:
  // grouped in 2.4 s instead of 3.5).
  static constexpr std::uint64_t index_mask = (std::uint64_t(1) << 40) - 1, empty = ~std::uint64_t(0);
  static std::uint64_t mixed(std::uint64_t h) {
    h = (h ^ (h >> 32)) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
  }
  static std::uint64_t tag_of(std::uint64_t m) { return m & ~index_mask; }

  bool same_key(const std::int64_t* a, const std::int64_t* b) const {
    for (std::size_t j = 0; j < d_; ++j)
      if (a[j] != b[j]) return false;
    return true;
  }

  /// The slot holding `key` (of hash h), or the empty one where it would go.
  std::size_t slot_of(const std::int64_t* key, std::uint64_t h) const {
    const std::size_t mask = slots_.size() - 1;
    const std::uint64_t m = mixed(h), tag = tag_of(m);
    std::size_t s = std::size_t(m) & mask;
    for (std::uint64_t slot; (slot = slots_[s]) != empty; s = (s + 1) & mask)
      if ((slot & ~index_mask) == tag && same_key(key, this->key(std::size_t(slot & index_mask)))) break;
    return s;
  }

  void grow() {
    slots_.assign(std::max<std::size_t>(64, slots_.size() * 2), empty);
    for (std::size_t c = 0; c < size(); ++c) {
      const std::uint64_t h = hash(key(c));
      slots_[slot_of(key(c), h)] = tag_of(mixed(h)) | c;
    }
  }

  std::size_t d_;
  std::vector<std::int64_t> keys_;
  std::vector<std::uint64_t> slots_;  // a power of two, at most half full
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
  return counted(r.status[std::size_t(i)], r.f[std::size_t(i)]);
}

cell_members cells_on_host(const result& r, double tol) {
  const int d = r.dim;
  cell_index cells(d);
  cell_members c;
  std::vector<std::int64_t> key(std::size_t(d), 0);
  for (std::int64_t i = 0; i < r.count; ++i) {
    const double* x = r.x.data() + std::size_t(i) * std::size_t(d);
    if (!counted(r, i) || !on_grid(x, d, tol)) continue;
    for (int j = 0; j < d; ++j) key[std::size_t(j)] = cell_coordinate(x[j], tol);
    bool fresh = false;
    const std::size_t k = cells.insert(key.data(), fresh);
    if (fresh) {
      c.best.push_back(i);
      c.count.push_back(0);
    }
    ++c.count[k];
    if (r.f[std::size_t(i)] < r.f[std::size_t(c.best[k])]) c.best[k] = i;  // ties keep the lower index
  }
  return c;
}

std::vector<minimum_group> merge_cells(const result& r, const cell_members& cells, double tol, int top) {
  const int d = r.dim;
  const std::size_t m = cells.best.size();
  auto point = [&](std::int64_t i) { return r.x.data() + std::size_t(i) * std::size_t(d); };
  auto better = [&](std::int64_t i, std::int64_t k) {
    return r.f[std::size_t(i)] < r.f[std::size_t(k)] || (r.f[std::size_t(i)] == r.f[std::size_t(k)] && i < k);
  };
  // The cells again by key (a cell's key is its best member's), numbered as `cells` numbers them.
  cell_index index(d);
  std::vector<std::int64_t> key(std::size_t(d), 0);
  for (std::size_t c = 0; c < m; ++c) {
    for (int j = 0; j < d; ++j) key[std::size_t(j)] = cell_coordinate(point(cells.best[c])[j], tol);
    bool fresh = false;
    index.insert(key.data(), fresh);
  }

  // Merge neighbouring cells (one step along one axis) whose best points are within tol: this heals
  // a minimum split by a cell boundary. d lookups a cell, not 3^d: a minimum's points (spread far
  // less than tol) straddle two boundaries at once only with probability ~ (spread / tol)^2.
  union_find groups(m);
  for (std::size_t c = 0; c < m; ++c) {
    std::copy(index.key(c), index.key(c) + d, key.begin());
    const std::uint64_t h = index.hash(key.data());
    for (int j = 0; j < d; ++j) {
      ++key[std::size_t(j)];
      const std::size_t other = index.find(key.data(), cell_index::moved(h, std::size_t(j), key[std::size_t(j)] - 1, key[std::size_t(j)]));
      if (other != cell_index::none && within(point(cells.best[c]), point(cells.best[other]), d, tol)) groups.unite(c, other);
      --key[std::size_t(j)];
    }
  }

  std::vector<std::int64_t> leader(m, -1), members(m, 0);
  std::vector<std::size_t> roots;
  for (std::size_t c = 0; c < m; ++c) {
    const std::size_t root = groups.find(c);
    if (leader[root] < 0) {
      roots.push_back(root);
      leader[root] = cells.best[c];
    } else if (better(cells.best[c], leader[root])) {
      leader[root] = cells.best[c];
    }
    members[root] += cells.count[c];
  }
  std::vector<std::pair<std::int64_t, std::int64_t>> found;  // (leader, count)
  for (const std::size_t root : roots) found.emplace_back(leader[root], members[root]);
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
                                ", " + std::to_string(r.x.size()) + " coordinates, " + std::to_string(r.f.size()) + " values of f, " +
                                std::to_string(r.status.size()) + " statuses");
}

}  // namespace

std::vector<minimum_group> distinct_minima(const result& r, double tol, int top, backend_kind where) {
  check_shape(r);
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

double grouping_bytes_needed(std::int64_t count, int dim) {
  if (count < 0 || dim < 1)
    throw std::invalid_argument("fdgd: grouping_bytes_needed: count = " + std::to_string(count) + ", dim = " + std::to_string(dim) +
                                " (count must be >= 0, dim >= 1)");
  // A cell's bytes at the peak of each pass, vectors at up to twice their size: finding the cells
  // while the keys (8 d) move to a larger array, beside slots at most half full and best and count;
  // then the merge, with union-find, leaders, members, roots and the groups found.
  const double d = double(dim);
  const double finding = 3 * 8 * d + 1.5 * 4 * 8 + 3 * 16, merging = 2 * 8 * d + 4 * 8 + 2 * 16 + 24 + 2 * 8 + 2 * 16;
  return double(count) * std::max(finding, merging);
}

double share_reaching(const result& r, const known_minimum& m, double tol) {
  check_shape(r);
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
