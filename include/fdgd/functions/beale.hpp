#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"

namespace fdgd::functions {

/// (1.5 - x0 + x0 x1)^2 + (2.25 - x0 + x0 x1^2)^2 + (2.625 - x0 + x0 x1^3)^2, 2-D.
/// Box [-4.5, 4.5]^2; minimum 0 at (3, 0.5). Flops per evaluation: 16.
struct beale {
  static constexpr const char* name = "beale";
  static constexpr const char* formula =
      "(1.5 - x0 + x0*x1)^2 + (2.25 - x0 + x0*x1^2)^2 + (2.625 - x0 + x0*x1^3)^2";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 2;
  static constexpr int min_dim = 2;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    const T y2 = x[1] * x[1];
    const T a = T(1.5) - x[0] + x[0] * x[1];
    const T b = T(2.25) - x[0] + x[0] * y2;
    const T c = T(2.625) - x[0] + x[0] * (y2 * x[1]);
    return a * a + b * b + c * c;
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int) { return {{-4.5, -4.5}, {4.5, 4.5}}; }
  static constexpr evaluation_work work(int) { return {16, 0, 0, 0}; }
  static known_minimum minimum(int) { return {{{3.0, 0.5}}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
