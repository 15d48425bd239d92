#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/math.hpp"

namespace fdgd::functions {

/// 1 + sum x_i^2 / 4000 - prod cos(x_i / sqrt(i + 1)). Box [-600, 600]^d; minimum 0 at 0.
/// Flops per evaluation: 4d + 2, plus d cosines and d square roots.
struct griewank {
  static constexpr const char* name = "griewank";
  static constexpr const char* formula = "1 + sum(i=0..d-1, x[i]^2)/4000 - prod(i=0..d-1, cos(x[i]/sqrt(i + 1)))";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    T s = 0, p = 1;
    FDGD_UNROLL
    for (int i = 0; i < x.size(); ++i) {
      s += x[i] * x[i];
      p *= math::cos(x[i] / math::sqrt(T(i + 1)));
    }
    return T(1) + s / T(4000) - p;
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {std::vector<double>(d, -600.0), std::vector<double>(d, 600.0)}; }
  static constexpr evaluation_work work(int d) { return {4.0 * d + 2, double(d), 0, double(d)}; }
  static known_minimum minimum(int d) { return {{std::vector<double>(d, 0.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
