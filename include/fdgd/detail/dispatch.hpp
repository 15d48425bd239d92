// Turning run-time choices (precision, dimension) into the template arguments the kernels need.
// Only the dimensions listed get a register-resident kernel; every other d takes the dynamic path.
#pragma once
#include <type_traits>

#include "fdgd/config.hpp"
#include "fdgd/options.hpp"

namespace fdgd::detail {

template <class T>
struct type_tag {
  using type = T;
};

template <class Fn>
decltype(auto) with_precision(precision p, Fn&& fn) {
  if (p == precision::f32) return fn(type_tag<float>{});
  return fn(type_tag<double>{});
}

template <int... Dims>
struct dim_list {};

/// Compile-time dimensions the built-ins are instantiated for (any-d functions); 2-D ones get only 2.
using builtin_dims = dim_list<2, 3, 4, 8, 16, 32>;

template <class Fn, int First, int... Rest>
decltype(auto) with_dim(int d, dim_list<First, Rest...>, Fn&& fn) {
  if (d == First) return fn(std::integral_constant<int, First>{});
  if constexpr (sizeof...(Rest) > 0) {
    return with_dim(d, dim_list<Rest...>{}, fn);
  } else {
    return fn(std::integral_constant<int, dynamic_dim>{});
  }
}

/// Calls fn with the compile-time dimension a built-in Objective runs at for d (d already validated).
template <class Objective, class Fn>
decltype(auto) with_objective_dim(int d, Fn&& fn) {
  if constexpr (Objective::fixed_dim != 0) {
    return fn(std::integral_constant<int, Objective::fixed_dim>{});
  } else {
    return with_dim(d, builtin_dims{}, fn);
  }
}

}  // namespace fdgd::detail

namespace fdgd::detail {

/// Calls fn(type_tag<T>, integral_constant<int, D>) for the kernel variant that runs a built-in
/// Objective at the precision options choose and dimension d.
template <class Objective, class Fn>
decltype(auto) with_builtin_variant(const options& o, int d, Fn&& fn) {
  return with_precision(o.prec, [&](auto t) { return with_objective_dim<Objective>(d, [&](auto dim) { return fn(t, dim); }); });
}

}  // namespace fdgd::detail
