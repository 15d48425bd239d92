#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"

namespace fdgd::functions {

/// sum x_i^2. The seed's function_2 is sphere in d = 2. Box [-5.12, 5.12]^d; minimum 0 at 0.
/// Flops per evaluation: 2d - 1. The sum starts from the first square, as the seed's
/// x[0]**2 + x[1]**2 does: starting from 0 would add one flop that changes no bit of the result.
struct sphere {
  static constexpr const char* name = "sphere";
  static constexpr const char* formula = "sum(i=0..d-1, x[i]^2)";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;  // any d >= min_dim
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    typename P::value_type s = x[0] * x[0];
    FDGD_UNROLL
    for (int i = 1; i < x.size(); ++i) s += x[i] * x[i];
    return s;
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {std::vector<double>(d, -5.12), std::vector<double>(d, 5.12)}; }
  static constexpr evaluation_work work(int d) { return {2.0 * d - 1, 0, 0, 0}; }
  static known_minimum minimum(int d) { return {{std::vector<double>(d, 0.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
