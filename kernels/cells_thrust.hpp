// Pass 1 of distinct_minima written with Thrust: compiled for CUDA by kernels/summary_cells.cu, and
// for Thrust's host system by tests/cells_thrust_test.cpp, so this same source is checked without a GPU.
// Sorts the counted points by cell (lexicographic on the cell indices) and reduces each run of equal
// cells to its count and best member, then, for each shifted grid k = 1 .. d, sorts the cells by the
// hash of their best point's cell in grid k and joins neighbours in that order that share the cell:
// O(N d log N) work on the device at most (the sort's comparisons read up to d coordinates), O(m d^2)
// for the hashes and the keys compared, and d radix sorts of m hashes; never all pairs.
#pragma once
#include <algorithm>
#include <cstdlib>
#include <new>
#include <vector>

#include <thrust/copy.h>
#include <thrust/count.h>
#include <thrust/device_ptr.h>
#include <thrust/execution_policy.h>
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
#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
#include "fdgd/cuda/device_array.cuh"  // device_allocate
#endif

namespace fdgd::detail::thrust_cells {

/// The bytes of the buffers below and of the algorithms' temporary storage (thrust::device(alloc)),
/// freed without throwing: once a kernel faults every CUDA call fails, and Thrust's own cudaFree
/// would throw from a destructor while the fault's error unwinds, ending the process (as
/// device_array.cuh says). Out of memory is device_bad_alloc, other failures fdgd::cuda_error.
struct quiet_bytes {
  using value_type = char;
  char* allocate(std::ptrdiff_t n) {
    if (n <= 0) return nullptr;
#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
    return static_cast<char*>(device_allocate(std::size_t(n)));
#else
    if (void* p = std::malloc(std::size_t(n))) return static_cast<char*>(p);
    throw std::bad_alloc();
#endif
  }
  void deallocate(char* p, std::size_t) noexcept {
#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
    cudaFree(p);  // its status is ignored on purpose, see above
#else
    std::free(p);
#endif
  }
};

/// n values in the device system's memory, uninitialised, from quiet_bytes; or a copy of a host range.
template <class T>
class buffer {
 public:
  explicit buffer(std::size_t n) : data_(reinterpret_cast<T*>(quiet_bytes{}.allocate(std::ptrdiff_t(n * sizeof(T))))), size_(n) {}
  template <class Iterator>
  buffer(Iterator first, Iterator last) : buffer(std::size_t(last - first)) {
    thrust::copy(first, last, begin());
  }
  ~buffer() { quiet_bytes{}.deallocate(reinterpret_cast<char*>(data_), size_ * sizeof(T)); }
  buffer(const buffer&) = delete;
  buffer& operator=(const buffer&) = delete;

  thrust::device_ptr<T> begin() const { return thrust::device_pointer_cast(data_); }
  thrust::device_ptr<T> end() const { return begin() + std::ptrdiff_t(size_); }
  const T* raw() const { return data_; }
  std::size_t size() const { return size_; }
  /// Keeps only the first n values (n at most the size).
  void shrink(std::size_t n) { size_ = std::min(n, size_); }

 private:
  T* data_;
  std::size_t size_;
};

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

inline cell_members cells(const result& r, double tol) {
  const std::int64_t n = r.count, d = r.dim;
  quiet_bytes alloc;
  const auto on = thrust::device(alloc);  // the algorithms' temporary storage from quiet_bytes too
  const buffer<double> x(r.x.begin(), r.x.end()), f(r.f.begin(), r.f.end());
  const buffer<trajectory_status> status(r.status.begin(), r.status.end());

  buffer<std::int64_t> cell(static_cast<std::size_t>(n * d));
  thrust::transform(on, thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(n * d), cell.begin(),
                    cell_of_coordinate{x.raw(), tol});
  buffer<std::int64_t> members(static_cast<std::size_t>(n));
  const auto end = thrust::copy_if(on, thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(n),
                                   members.begin(), is_counted{x.raw(), f.raw(), status.raw(), int(d), tol});
  members.shrink(std::size_t(end - members.begin()));
  thrust::sort(on, members.begin(), members.end(), cell_less{cell.raw(), int(d)});

  buffer<std::int64_t> count(members.size()), best(members.size());
  const auto out = thrust::reduce_by_key(
      on, members.begin(), members.end(),
      thrust::make_zip_iterator(thrust::make_tuple(thrust::constant_iterator<std::int64_t>(1), members.begin())),
      thrust::make_discard_iterator(), thrust::make_zip_iterator(thrust::make_tuple(count.begin(), best.begin())),
      same_key{cell.raw(), int(d)}, add_count_keep_best{f.raw()});
  const std::size_t m = std::size_t(thrust::get<0>(out.second.get_iterator_tuple()) - count.begin());

  cell_members c;
  c.best.resize(m);
  c.count.resize(m);
  thrust::copy(best.begin(), best.begin() + std::ptrdiff_t(m), c.best.begin());  // to the host
  thrust::copy(count.begin(), count.begin() + std::ptrdiff_t(m), c.count.begin());

  // The merge's joins too, grid by grid: here the sorts are cheap where the host would miss its cache
  // on every cell. A slice of the cells at a time, its pairs joined on the host as they come, so that
  // the answers take a bounded buffer; the merge gets each cell's group.
  buffer<std::uint64_t> sorted(m);
  buffer<std::int64_t> order(m);
  const std::int64_t slice = std::int64_t(1) << 18;
  buffer<std::int64_t> before(std::min(std::size_t(slice), m)), from(before.size()), to(before.size());
  std::vector<std::int64_t> a, b;
  union_find groups(m);
  std::size_t groups_left = m;  // all in one: the grids left can join nothing
  for (int k = 1; k <= int(d) && groups_left > 1; ++k) {
    thrust::transform(on, thrust::counting_iterator<std::int64_t>(0), thrust::counting_iterator<std::int64_t>(std::int64_t(m)),
                      sorted.begin(), hash_in_grid{x.raw(), best.raw(), int(d), tol, k});
    thrust::sequence(on, order.begin(), order.end());
    thrust::sort_by_key(on, sorted.begin(), sorted.end(), order.begin());
    const same_cell_before search{x.raw(), best.raw(), sorted.raw(), order.raw(), int(d), tol, k};
    for (std::int64_t first = 0; first < std::int64_t(m); first += slice) {
      const std::int64_t last = std::min(std::int64_t(m), first + slice), n_here = last - first;
      thrust::transform(on, thrust::counting_iterator<std::int64_t>(first), thrust::counting_iterator<std::int64_t>(last),
                        before.begin(), search);
      const auto found = std::size_t(thrust::count_if(on, before.begin(), before.begin() + n_here, is_found{}));
      thrust::copy_if(on, order.begin() + first, order.begin() + last, before.begin(), from.begin(), is_found{});
      thrust::copy_if(on, before.begin(), before.begin() + n_here, to.begin(), is_found{});
      a.resize(found);
      b.resize(found);
      thrust::copy(from.begin(), from.begin() + std::ptrdiff_t(found), a.begin());  // to the host
      thrust::copy(to.begin(), to.begin() + std::ptrdiff_t(found), b.begin());
      for (std::size_t e = 0; e < found; ++e) groups_left -= groups.unite(std::size_t(a[e]), std::size_t(b[e]));
    }
  }
  c.group.resize(m);
  for (std::size_t k = 0; k < m; ++k) c.group[k] = std::int64_t(groups.find(k));
  return c;
}

}  // namespace fdgd::detail::thrust_cells
