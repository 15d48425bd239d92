#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"

namespace fdgd::functions {

/// (x0 + 2 x1 - 7)^2 + (2 x0 + x1 - 5)^2, 2-D. Box [-10, 10]^2; minimum 0 at (1, 3). Flops per evaluation: 9.
struct booth {
  static constexpr const char* name = "booth";
  static constexpr const char* formula = "(x0 + 2*x1 - 7)^2 + (2*x0 + x1 - 5)^2";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 2;
  static constexpr int min_dim = 2;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    const T a = x[0] + T(2) * x[1] - T(7);
    const T b = T(2) * x[0] + x[1] - T(5);
    return a * a + b * b;
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int) { return {{-10.0, -10.0}, {10.0, 10.0}}; }
  static constexpr evaluation_work work(int) { return {9, 0, 0, 0}; }
  static known_minimum minimum(int) { return {{{1.0, 3.0}}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
