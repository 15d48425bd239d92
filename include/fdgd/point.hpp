// The two shapes a trajectory's coordinates take while it descends, and the view of one with a
// coordinate moved that the gradient evaluates f at. Objectives see each through the same interface:
// value_type, size() and operator[].
#pragma once
#include "fdgd/config.hpp"

namespace fdgd {

/// D coordinates held by value: in registers on the GPU when every index is a compile-time constant.
template <class T, int D>
struct fixed_point {
  static_assert(D > 0, "fixed_point needs a positive compile-time dimension");
  using value_type = T;
  T v[D];
  FDGD_HD static constexpr int size() { return D; }
  // (D = 1 indexes by the constant: the only valid index, and GCC's bounds warning then has nothing
  // to say about branches it cannot prove dead, such as perturbed_point's for j != i.)
  FDGD_HD T& operator[](int i) { return v[D == 1 ? 0 : i]; }
  FDGD_HD const T& operator[](int i) const { return v[D == 1 ? 0 : i]; }
};

/// A run-time number of coordinates in memory, `stride` elements apart (stride = batch size for the
/// device's structure-of-arrays layout, 1 for a contiguous row).
template <class T>
struct strided_point {
  using value_type = T;
  T* data;
  std::int64_t stride;
  int n;
  FDGD_HD int size() const { return n; }
  FDGD_HD T& operator[](int i) const { return data[i * stride]; }
};

/// `base` with coordinate i replaced by `value`: what f is evaluated at during differencing.
template <class Point>
struct perturbed_point {
  using value_type = typename Point::value_type;
  const Point& base;
  int i;
  value_type value;
  FDGD_HD constexpr int size() const { return base.size(); }
  FDGD_HD value_type operator[](int j) const { return j == i ? value : base[j]; }
};

}  // namespace fdgd
