#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"

namespace fdgd::functions {

/// (x0^2 + x1 - 11)^2 + (x0 + x1^2 - 7)^2, 2-D. Box [-5, 5]^2; minimum 0 at four points.
/// Flops per evaluation: 9.
struct himmelblau {
  static constexpr const char* name = "himmelblau";
  static constexpr const char* formula = "(x0^2 + x1 - 11)^2 + (x0 + x1^2 - 7)^2";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 2;
  static constexpr int min_dim = 2;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    const T a = x[0] * x[0] + x[1] - T(11);
    const T b = x[0] + x[1] * x[1] - T(7);
    return a * a + b * b;
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int) { return {{-5.0, -5.0}, {5.0, 5.0}}; }
  static constexpr evaluation_work work(int) { return {9, 0, 0, 0}; }
  static known_minimum minimum(int) {
    return {{{3.0, 2.0},
             {-2.805118086952745, 3.131312518250573},
             {-3.779310253377747, -3.283185991286170},
             {3.584428340330492, -1.848126526964404}},
            0.0};
  }
#endif
};

}  // namespace fdgd::functions
