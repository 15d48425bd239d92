#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"

namespace fdgd::functions {

/// sum_{i<d-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2. Box [-2.048, 2.048]^d; minimum 0 at (1, ..., 1).
/// Flops per evaluation: 9 (d - 1).
struct rosenbrock {
  static constexpr const char* name = "rosenbrock";
  static constexpr const char* formula = "sum(i=0..d-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 2;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    T s = 0;
    FDGD_UNROLL
    for (int i = 0; i + 1 < x.size(); ++i) {
      const T a = x[i + 1] - x[i] * x[i];
      const T b = T(1) - x[i];
      s += T(100) * (a * a) + b * b;
    }
    return s;
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {std::vector<double>(d, -2.048), std::vector<double>(d, 2.048)}; }
  static constexpr evaluation_work work(int d) { return {9.0 * (d - 1), 0, 0, 0}; }
  static known_minimum minimum(int d) { return {{std::vector<double>(d, 1.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
