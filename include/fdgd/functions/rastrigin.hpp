#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/functions/work.hpp"
#include "fdgd/math.hpp"
#include "fdgd/sum_structure.hpp"

namespace fdgd::functions {

/// 10 d + sum (x_i^2 - 10 cos(2 pi x_i)). Box [-5.12, 5.12]^d; minimum 0 at 0.
struct rastrigin {
  static constexpr const char* name = "rastrigin";
  static constexpr const char* formula = "10*d + sum(i=0..d-1, x[i]^2 - 10*cos(2*pi*x[i]))";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  // 10 d plus the sum of the terms x_j^2 - 10 cos(2 pi x_j) (fdgd/sum_structure.hpp).
  static constexpr int term_reach = 0;
  FDGD_HD static constexpr int term_count(int d) { return d; }
  template <class P>
  FDGD_HD typename P::value_type term(const P& x, int j) const {
    using T = typename P::value_type;
    return x[j] * x[j] - T(10) * math::cos(T(2) * T(math::pi) * x[j]);
  }
  template <class T>
  FDGD_HD T finish(T s, int d) const {
    return T(10) * T(d) + s;
  }
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return sum_of_terms(*this, x);
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {repeated(d, -5.12), repeated(d, 5.12)}; }
  static constexpr evaluation_work term_work{4, 1, 0, 0}, finish_work{1, 0, 0, 0};  // 10 d: a constant
  static constexpr evaluation_work work(int d) { return sum_evaluation_work<rastrigin>(d); }
  static known_minimum minimum(int d) { return {{repeated(d, 0.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
