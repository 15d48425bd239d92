#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/math.hpp"

namespace fdgd::functions {

/// -20 exp(-0.2 sqrt(sum x_i^2 / d)) - exp(sum cos(2 pi x_i) / d) + 20 + e.
/// Box [-32.768, 32.768]^d; minimum 0 at 0. Flops per evaluation: 4d + 9, plus d cosines, 2 exp, 1 sqrt.
struct ackley {
  static constexpr const char* name = "ackley";
  static constexpr const char* formula = "-20*exp(-0.2*sqrt(sum(i=0..d-1, x[i]^2)/d)) - exp(sum(i=0..d-1, cos(2*pi*x[i]))/d) + 20 + e";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    const T two_pi = T(2) * T(math::pi);
    T squares = 0, cosines = 0;
    FDGD_UNROLL
    for (int i = 0; i < x.size(); ++i) {
      squares += x[i] * x[i];
      cosines += math::cos(two_pi * x[i]);
    }
    const T d = T(x.size());
    return T(-20) * math::exp(T(-0.2) * math::sqrt(squares / d)) - math::exp(cosines / d) + T(20) + T(math::e);
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {std::vector<double>(d, -32.768), std::vector<double>(d, 32.768)}; }
  static constexpr evaluation_work work(int d) { return {4.0 * d + 9, double(d), 2, 1}; }
  static known_minimum minimum(int d) { return {{std::vector<double>(d, 0.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
