// Pass 1 of distinct_minima written with Thrust: compiled for CUDA by kernels/summary_cells.cu, and
// for Thrust's host system by tests/cells_thrust_test.cpp, so this same source is checked without a GPU.
// Sorts the counted points by cell (lexicographic on the cell indices) and reduces each run of equal
// cells to its count and best member, then finds the neighbouring cells the merge joins by binary
// search: O(N log N + m d log m) work on the device, never all pairs.
#pragma once
#include <thrust/copy.h>
#include <thrust/count.h>
#include <thrust/device_vector.h>
#include <thrust/iterator/constant_iterator.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/discard_iterator.h>
#include <thrust/iterator/zip_iterator.h>
#include <thrust/reduce.h>
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
  FDGD_HD bool operator()(std::int64_t i) const {
    return counted(status[i], f[i]) && on_grid(x + i * d, d, tol);
  }
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

/// For k = c d + j: the cell one step up axis j from cell c, when there is one and the best points of
/// both lie within tol (max-norm), else -1. The cells are in key order, so a binary search finds it
/// (above c: the key it looks for is greater than c's).
struct neighbour_within {
  const std::int64_t* cell;  // every point's key
  const std::int64_t* best;  // each cell's best member
  const double* x;
  std::int64_t m;
  int d;
  double tol;
  /// The sign of key a against key b with b[j] one larger.
  FDGD_HD int compare(const std::int64_t* a, const std::int64_t* b, int j) const {
    for (int t = 0; t < d; ++t) {
      const std::int64_t bt = b[t] + (t == j);
      if (a[t] != bt) return a[t] < bt ? -1 : 1;
    }
    return 0;
  }
  FDGD_HD std::int64_t operator()(std::int64_t k) const {
    const std::int64_t c = k / d;
    const int j = int(k % d);
    const std::int64_t* key = cell + best[c] * d;
    std::int64_t lo = c + 1, hi = m;
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (compare(cell + best[mid] * d, key, j) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo == m || compare(cell + best[lo] * d, key, j) != 0) return -1;
    for (int t = 0; t < d; ++t)
      if (!(fabs(x[best[c] * d + t] - x[best[lo] * d + t]) <= tol)) return -1;
    return lo;
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
  thrust::transform(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(n * d),
                    cell.begin(), cell_of_coordinate{raw(x), tol});
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

  // The merge's pairs too: d binary searches a cell here, where the host would miss its cache on each.
  const std::int64_t searches = std::int64_t(m) * d;
  thrust::device_vector<std::int64_t> near(static_cast<std::size_t>(searches));
  thrust::transform(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(searches), near.begin(),
                    neighbour_within{raw(cell), raw(best), raw(x), std::int64_t(m), int(d), tol});
  const auto found = std::size_t(thrust::count_if(near.begin(), near.end(), is_found{}));
  thrust::device_vector<std::int64_t> from(found), to(found);
  thrust::copy_if(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(searches), near.begin(),
                  from.begin(), is_found{});
  thrust::copy_if(near.begin(), near.end(), to.begin(), is_found{});
  std::vector<std::int64_t> a(found), b(found);
  thrust::copy(from.begin(), from.end(), a.begin());
  thrust::copy(to.begin(), to.end(), b.begin());
  c.neighbours.reserve(found);
  for (std::size_t k = 0; k < found; ++k) c.neighbours.emplace_back(a[k] / d, b[k]);
  c.neighbours_found = true;
  return c;
}

}  // namespace fdgd::detail::thrust_cells
