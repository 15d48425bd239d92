// Pass 1 of distinct_minima written with Thrust: compiled for CUDA by kernels/summary_cells.cu, and
// for Thrust's host system by tests/cells_thrust_test.cpp, so this same source is checked without a GPU.
// Sorts the counted points by cell (lexicographic on the cell indices) and reduces each run of equal
// cells to its count and best member, then, for each shifted grid k = 1 .. d, sorts the cells by the
// hash of their best point's cell in grid k and joins neighbours in that order that share the cell:
// O(N d log N) work on the device at most (the sort's comparisons read up to d coordinates), O(m d^2)
// for the hashes and the keys compared, and d radix sorts of m hashes; never all pairs.
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

struct same_key {
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

/// The hash of the cell of cell c's best point in grid k.
struct hash_in_grid {
  const double* x;
  const std::int64_t* best;  // each cell's best member
  int d;
  double tol;
  int k;
  FDGD_HD std::uint64_t operator()(std::int64_t c) const { return cell_hash::of_point(x + best[c] * d, d, tol, k); }
};

/// For the cell at position i of the cells sorted by their hash in grid k: the nearest cell before it
/// there whose best point shares its cell of grid k, else -1. Equal hashes lie together, and only a
/// collision of two cells' hashes puts another cell between: O(d) but where the hashes collide.
struct same_cell_before {
  const double* x;
  const std::int64_t* best;     // each cell's best member
  const std::uint64_t* sorted;  // the hashes in ascending order
  const std::int64_t* order;    // the cell of each sorted hash
  int d;
  double tol;
  int k;
  FDGD_HD std::int64_t operator()(std::int64_t i) const {
    const double* a = x + best[order[i]] * d;
    for (std::int64_t e = i - 1; e >= 0 && sorted[e] == sorted[i]; --e)
      if (same_cell(a, x + best[order[e]] * d, d, tol, k)) return order[e];
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
      same_key{raw(cell), int(d)}, add_count_keep_best{raw(f)});
  const std::size_t m = std::size_t(thrust::get<0>(out.second.get_iterator_tuple()) - count.begin());

  cell_members c;
  c.best.resize(m);
  c.count.resize(m);
  thrust::copy(best.begin(), best.begin() + std::ptrdiff_t(m), c.best.begin());
  thrust::copy(count.begin(), count.begin() + std::ptrdiff_t(m), c.count.begin());

  // The merge's joins too, grid by grid: here the sorts are cheap where the host would miss its cache
  // on every cell. A slice of the cells at a time, its pairs joined on the host as they come, so that
  // the answers take a bounded buffer; the merge gets each cell's group.
  thrust::device_vector<std::uint64_t> sorted(m);
  thrust::device_vector<std::int64_t> order(m);
  const std::int64_t slice = std::int64_t(1) << 18;
  thrust::device_vector<std::int64_t> before(std::min(std::size_t(slice), m)), from, to;
  std::vector<std::int64_t> a, b;
  union_find groups(m);
  std::size_t groups_left = m;  // all in one: the grids left can join nothing
  for (int k = 1; k <= int(d) && groups_left > 1; ++k) {
    thrust::transform(thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(std::int64_t(m)),
                      sorted.begin(), hash_in_grid{raw(x), raw(best), int(d), tol, k});
    thrust::sequence(order.begin(), order.end());
    thrust::sort_by_key(sorted.begin(), sorted.end(), order.begin());
    const same_cell_before search{raw(x), raw(best), raw(sorted), raw(order), int(d), tol, k};
    for (std::int64_t first = 0; first < std::int64_t(m); first += slice) {
      const std::int64_t last = std::min(std::int64_t(m), first + slice), n_here = last - first;
      thrust::transform(thrust::counting_iterator<std::int64_t>(first), thrust::counting_iterator<std::int64_t>(last),
                        before.begin(), search);
      const auto found = std::size_t(thrust::count_if(before.begin(), before.begin() + n_here, is_found{}));
      from.resize(found);
      to.resize(found);
      thrust::copy_if(order.begin() + first, order.begin() + last, before.begin(), from.begin(), is_found{});
      thrust::copy_if(before.begin(), before.begin() + n_here, to.begin(), is_found{});
      a.resize(found);
      b.resize(found);
      thrust::copy(from.begin(), from.end(), a.begin());
      thrust::copy(to.begin(), to.end(), b.begin());
      for (std::size_t e = 0; e < found; ++e) groups_left -= groups.unite(std::size_t(a[e]), std::size_t(b[e]));
    }
  }
  c.group.resize(m);
  for (std::size_t k = 0; k < m; ++k) c.group[k] = std::int64_t(groups.find(k));
  return c;
}

}  // namespace fdgd::detail::thrust_cells
