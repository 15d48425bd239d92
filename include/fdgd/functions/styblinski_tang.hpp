#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"

namespace fdgd::functions {

/// sum (x_i^4 - 16 x_i^2 + 5 x_i) / 2. Box [-5, 5]^d; minimum -39.16616570377141 d at x_i = -2.903534027771177.
/// Flops per evaluation: 7d + 1.
struct styblinski_tang {
  static constexpr const char* name = "styblinski_tang";
  static constexpr const char* formula = "sum(i=0..d-1, x[i]^4 - 16*x[i]^2 + 5*x[i])/2";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    T s = 0;
    FDGD_UNROLL
    for (int i = 0; i < x.size(); ++i) {
      const T sq = x[i] * x[i];
      s += sq * sq - T(16) * sq + T(5) * x[i];
    }
    return s / T(2);
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {std::vector<double>(d, -5.0), std::vector<double>(d, 5.0)}; }
  static constexpr evaluation_work work(int d) { return {7.0 * d + 1, 0, 0, 0}; }
  static known_minimum minimum(int d) {
    return {{std::vector<double>(d, -2.903534027771177)}, -39.16616570377141 * d};
  }
#endif
};

}  // namespace fdgd::functions
