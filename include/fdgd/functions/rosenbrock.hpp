#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/functions/work.hpp"
#include "fdgd/sum_structure.hpp"

namespace fdgd::functions {

/// sum_{i<d-1} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2. Box [-2.048, 2.048]^d; minimum 0 at (1, ..., 1).
struct rosenbrock {
  static constexpr const char* name = "rosenbrock";
  static constexpr const char* formula = "sum(i=0..d-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 2;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  // The sum of d - 1 terms, term j reading x_j and x_{j+1} (fdgd/sum_structure.hpp).
  static constexpr int term_reach = 1;
  FDGD_HD static constexpr int term_count(int d) { return d - 1; }
  template <class P>
  FDGD_HD typename P::value_type term(const P& x, int j) const {
    using T = typename P::value_type;
    const T a = x[j + 1] - x[j] * x[j];
    const T b = T(1) - x[j];
    return T(100) * (a * a) + b * b;
  }
  template <class T>
  FDGD_HD T finish(T s, int) const {
    return s;
  }
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return sum_of_terms(*this, x);
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {repeated(d, -2.048), repeated(d, 2.048)}; }
  static constexpr evaluation_work term_work{7, 0, 0, 0}, finish_work{0, 0, 0, 0};
  static constexpr evaluation_work work(int d) { return sum_evaluation_work<rosenbrock>(d); }
  static known_minimum minimum(int d) { return {{repeated(d, 1.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
