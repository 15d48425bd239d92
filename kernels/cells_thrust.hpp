// Pass 1 of distinct_minima written with Thrust: compiled for CUDA by kernels/summary_cells.cu, and
// for Thrust's host system by tests/cells_thrust_test.cpp, so this same source is checked without a GPU.
// Sorts the counted points by cell (lexicographic on the cell indices) and reduces each run of equal
// cells to its count and best member, then finds the neighbouring cells the merge joins by binary
// search over the cells' hashes: O(N d log N) work on the device at most (the sort's comparisons read
// up to d coordinates), O(m d (log m + d)) for the searches at most (d to compare a found key), never
// all pairs.
#pragma once
#include <algorithm>
#include <vector>

#include <thrust/copy.h>
#include <thrust/count.h>
#include <thrust/device_vector.h>
#include <thrust/iterator/constant_iterator.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/discard_iterator.h>
#include <thrust/iterator/zip_iterator.h>
#include <thrust/reduce.h>
#include <thrust/sequence.h>
#include <thrust/sort.h>
#include <thrust/transform.h>
#include <thrust/tuple.h>

#include "fdgd/detail/cell_grid.hpp"
#include "host/summary_cells.hpp"

namespace fdgd::detail::thrust_cells {

struct cell_of_coordinate {
  const double* x;
  double tol;
  FDGD_HD std::int64_t operator()(std::int64_t k) const { return cell_coordinate(x[k], tol); }
};

struct is_counted {
  const double* x;
  const double* f;
  const trajectory_status* status;
  int d;
  double tol;
  FDGD_HD bool operator()(std::int64_t i) const { return counted(status[i], f[i]) && on_grid(x + i * d, d, tol); }
};

struct cell_less {
  const std::int64_t* cell;
  int d;
  FDGD_HD bool operator()(std::int64_t a, std::int64_t b) const {
    for (int j = 0; j < d; ++j) {
      const std::int64_t ca = cell[a * d + j], cb = cell[b * d + j];
      if (ca != cb) return ca < cb;
    }
    return a < b;  // a total order, so the sort's result does not depend on the algorithm
  }
};

struct same_cell {
  const std::int64_t* cell;
  int d;
  FDGD_HD bool operator()(std::int64_t a, std::int64_t b) const {
    for (int j = 0; j < d; ++j)
      if (cell[a * d + j] != cell[b * d + j]) return false;
    return true;
  }
};

using count_and_best = thrust::tuple<std::int64_t, std::int64_t>;

struct add_count_keep_best {
  const double* f;
  FDGD_HD count_and_best operator()(const count_and_best& a, const count_and_best& b) const {
    const std::int64_t i = thrust::get<1>(a), k = thrust::get<1>(b);
    const bool first = f[i] < f[k] || (f[i] == f[k] && i < k);
    return {thrust::get<0>(a) + thrust::get<0>(b), first ? i : k};
  }
};

/// cell_hash::of cell c's key (its best member's).
struct hash_of_cell {
  const std::int64_t* cell;  // every point's key
  const std::int64_t* best;  // each cell's best member
  int d;
  FDGD_HD std::uint64_t operator()(std::int64_t c) const { return cell_hash::of(cell + best[c] * d, d); }
};

/// For k = c d + j: the cell one step up axis j from cell c, when there is one and the best points of
/// both lie within tol (max-norm), else -1. Found by binary search over the cells' hashes, sorted
/// (`order` numbers the cells in that order), then keys compared where the hashes agree: O(log m + d).
struct neighbour_within {
  const std::int64_t* cell;     // every point's key
  const std::int64_t* best;     // each cell's best member
  const std::uint64_t* hash;    // each cell's cell_hash::of
  const std::uint64_t* sorted;  // the hashes in ascending order
  const std::int64_t* order;    // the cell of each sorted hash
  const double* x;
  std::int64_t m;
  int d;
  double tol;
  FDGD_HD std::int64_t operator()(std::int64_t k) const {
    const std::int64_t c = k / d;
    const int j = int(k % d);
    const std::int64_t* key = cell + best[c] * d;
    const std::uint64_t h = cell_hash::moved(hash[c], std::size_t(j), key[j], key[j] + 1);
    std::int64_t lo = 0, hi = m;
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (sorted[mid] < h)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (; lo < m && sorted[lo] == h; ++lo) {
      const std::int64_t o = order[lo];
      const std::int64_t* other = cell + best[o] * d;
      bool same = true;
      for (int t = 0; t < d && same; ++t) same = other[t] == key[t] + (t == j);
      if (!same) continue;
      for (int t = 0; t < d; ++t)
        if (!(fabs(x[best[c] * d + t] - x[best[o] * d + t]) <= tol)) return -1;
      return o;
    }
    return -1;
  }
};

struct is_found {
  FDGD_HD bool operator()(std::int64_t v) const { return v >= 0; }
};

template <class T>
const T* raw(const thrust::device_vector<T>& v) {
  return thrust::raw_pointer_cast(v.data());
}

inline cell_members cells(const result& r, double tol) {
  const std::int64_t n = r.count, d = r.dim;
  const thrust::device_vector<double> x(r.x.begin(), r.x.end()), f(r.f.begin(), r.f.end());
  const thrust::device_vector<trajectory_status> status(r.status.begin(), r.status.end());

  thrust::device_vector<std::int64_t> cell(static_cast<std::size_t>(n * d));
  thrust::transform(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(n * d), cell.begin(),
                    cell_of_coordinate{raw(x), tol});
  thrust::device_vector<std::int64_t> members(static_cast<std::size_t>(n));
  const auto end = thrust::copy_if(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(n),
                                   members.begin(), is_counted{raw(x), raw(f), raw(status), int(d), tol});
  members.resize(std::size_t(end - members.begin()));
  thrust::sort(members.begin(), members.end(), cell_less{raw(cell), int(d)});

  thrust::device_vector<std::int64_t> count(members.size()), best(members.size());
  const auto out = thrust::reduce_by_key(
      members.begin(), members.end(),
      thrust::make_zip_iterator(thrust::make_tuple(thrust::constant_iterator<std::int64_t>(1), members.begin())),
      thrust::make_discard_iterator(), thrust::make_zip_iterator(thrust::make_tuple(count.begin(), best.begin())),
      same_cell{raw(cell), int(d)}, add_count_keep_best{raw(f)});
  const std::size_t m = std::size_t(thrust::get<0>(out.second.get_iterator_tuple()) - count.begin());

  cell_members c;
  c.best.resize(m);
  c.count.resize(m);
  thrust::copy(best.begin(), best.begin() + std::ptrdiff_t(m), c.best.begin());
  thrust::copy(count.begin(), count.begin() + std::ptrdiff_t(m), c.count.begin());

  // The merge's pairs too: d binary searches a cell here, where the host would miss its cache on each;
  // a slice of the m d searches at a time, its pairs joined on the host as they come, so that the
  // answers take a bounded buffer; the merge gets each cell's group.
  thrust::device_vector<std::uint64_t> hash(m), sorted(m);
  thrust::device_vector<std::int64_t> order(m);
  thrust::transform(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(std::int64_t(m)),
                    hash.begin(), hash_of_cell{raw(cell), raw(best), int(d)});
  thrust::copy(hash.begin(), hash.end(), sorted.begin());
  thrust::sequence(order.begin(), order.end());
  thrust::sort_by_key(sorted.begin(), sorted.end(), order.begin());
  const neighbour_within search{raw(cell), raw(best), raw(hash), raw(sorted), raw(order), raw(x), std::int64_t(m), int(d), tol};
  const std::int64_t searches = std::int64_t(m) * d, slice = std::int64_t(1) << 18;
  thrust::device_vector<std::int64_t> near(static_cast<std::size_t>(std::min(searches, slice))), from, to;
  std::vector<std::int64_t> a, b;
  a.reserve(near.size());
  b.reserve(near.size());
  union_find groups(m);
  for (std::int64_t first = 0; first < searches; first += slice) {
    const std::int64_t last = std::min(searches, first + slice), n_here = last - first;
    thrust::transform(thrust::counting_iterator<std::int64_t>(first), thrust::counting_iterator<std::int64_t>(last), near.begin(),
                      search);
    const auto found = std::size_t(thrust::count_if(near.begin(), near.begin() + n_here, is_found{}));
    from.resize(found);
    to.resize(found);
    thrust::copy_if(thrust::counting_iterator<std::int64_t>(first), thrust::counting_iterator<std::int64_t>(last), near.begin(),
                    from.begin(), is_found{});
    thrust::copy_if(near.begin(), near.begin() + n_here, to.begin(), is_found{});
    a.resize(found);
    b.resize(found);
    thrust::copy(from.begin(), from.end(), a.begin());
    thrust::copy(to.begin(), to.end(), b.begin());
    for (std::size_t k = 0; k < found; ++k) groups.unite(std::size_t(a[k] / d), std::size_t(b[k]));
  }
  c.group.resize(m);
  for (std::size_t k = 0; k < m; ++k) c.group[k] = std::int64_t(groups.find(k));
  return c;
}

}  // namespace fdgd::detail::thrust_cells
