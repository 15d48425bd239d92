#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/math.hpp"

namespace fdgd::functions {

/// With w_i = 1 + (x_i - 1) / 4: sin^2(pi w_0) + sum_{i<d-1} (w_i - 1)^2 (1 + 10 sin^2(pi w_i + 1))
/// + (w_{d-1} - 1)^2 (1 + sin^2(2 pi w_{d-1})). Box [-10, 10]^d; minimum 0 at (1, ..., 1).
/// Flops per evaluation: 11d + 6, plus d + 1 sines.
struct levy {
  static constexpr const char* name = "levy";
  static constexpr const char* formula = "sin(pi*(1 + (x0 - 1)/4))^2 + sum(i=0..d-2, ((1 + (x[i] - 1)/4) - 1)^2*(1 + 10*sin(pi*(1 + (x[i] - 1)/4) + 1)^2)) + ((1 + (x[d-1] - 1)/4) - 1)^2*(1 + sin(2*pi*(1 + (x[d-1] - 1)/4))^2)";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    const T pi = T(math::pi);
    const int last = x.size() - 1;
    const T w0 = T(1) + (x[0] - T(1)) / T(4);
    const T s0 = math::sin(pi * w0);
    T s = 0;  // the middle terms summed apart, in the order the formula's sum() adds them
    FDGD_UNROLL
    for (int i = 0; i < last; ++i) {
      const T w = T(1) + (x[i] - T(1)) / T(4);
      const T si = math::sin(pi * w + T(1));
      s += (w - T(1)) * (w - T(1)) * (T(1) + T(10) * (si * si));
    }
    const T wl = T(1) + (x[last] - T(1)) / T(4);
    const T sl = math::sin(T(2) * pi * wl);
    return s0 * s0 + s + (wl - T(1)) * (wl - T(1)) * (T(1) + sl * sl);
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {std::vector<double>(d, -10.0), std::vector<double>(d, 10.0)}; }
  static constexpr evaluation_work work(int d) { return {11.0 * d + 6, d + 1.0, 0, 0}; }
  static known_minimum minimum(int d) { return {{std::vector<double>(d, 1.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
