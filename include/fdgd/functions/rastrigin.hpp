#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/math.hpp"

namespace fdgd::functions {

/// 10 d + sum (x_i^2 - 10 cos(2 pi x_i)). Box [-5.12, 5.12]^d; minimum 0 at 0.
/// Flops per evaluation: 5d + 1, plus d cosines.
struct rastrigin {
  static constexpr const char* name = "rastrigin";
  static constexpr const char* formula = "10*d + sum(i=0..d-1, x[i]^2 - 10*cos(2*pi*x[i]))";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    const T two_pi = T(2) * T(math::pi);
    T s = 0;
    FDGD_UNROLL
    for (int i = 0; i < x.size(); ++i) s += x[i] * x[i] - T(10) * math::cos(two_pi * x[i]);
    return T(10) * T(x.size()) + s;
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {std::vector<double>(d, -5.12), std::vector<double>(d, 5.12)}; }
  static constexpr evaluation_work work(int d) { return {5.0 * d + 1, double(d), 0, 0}; }
  static known_minimum minimum(int d) { return {{std::vector<double>(d, 0.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
