#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"

namespace fdgd::functions {

/// (4 - 2.1 x0^2 + x0^4 / 3) x0^2 + x0 x1 + (4 x1^2 - 4) x1^2, 2-D. Box [-3, 3] x [-2, 2];
/// minimum -1.0316284534898774 at (0.0898420131, -0.7126564030) and its mirror. Flops per evaluation: 14 (the division by 3 as
/// one).
struct six_hump_camel {
  static constexpr const char* name = "six_hump_camel";
  static constexpr const char* formula = "(4 - 2.1*x0^2 + x0^4/3)*x0^2 + x0*x1 + (4*x1^2 - 4)*x1^2";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 2;
  static constexpr int min_dim = 2;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    const T x2 = x[0] * x[0];
    const T y2 = x[1] * x[1];
    return (T(4) - T(2.1) * x2 + x2 * x2 / T(3)) * x2 + x[0] * x[1] + (T(4) * y2 - T(4)) * y2;
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int) { return {{-3.0, -2.0}, {3.0, 2.0}}; }
  static constexpr evaluation_work work(int) { return {14, 0, 0, 0}; }
  static known_minimum minimum(int) {
    return {{{0.08984201310031807, -0.7126564030207396}, {-0.08984201310031807, 0.7126564030207396}}, -1.0316284534898774};
  }
#endif
};

}  // namespace fdgd::functions
