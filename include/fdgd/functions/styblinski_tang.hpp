#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/functions/work.hpp"
#include "fdgd/sum_structure.hpp"

namespace fdgd::functions {

/// sum (x_i^4 - 16 x_i^2 + 5 x_i) / 2. Box [-5, 5]^d; minimum -39.16616570377141 d at x_i = -2.903534027771177.
struct styblinski_tang {
  static constexpr const char* name = "styblinski_tang";
  static constexpr const char* formula = "sum(i=0..d-1, x[i]^4 - 16*x[i]^2 + 5*x[i])/2";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  // Half the sum of the terms x_j^4 - 16 x_j^2 + 5 x_j (fdgd/sum_structure.hpp).
  static constexpr int term_reach = 0;
  FDGD_HD static constexpr int term_count(int d) { return d; }
  template <class P>
  FDGD_HD typename P::value_type term(const P& x, int j) const {
    using T = typename P::value_type;
    const T sq = x[j] * x[j];
    return sq * sq - T(16) * sq + T(5) * x[j];
  }
  template <class T>
  FDGD_HD T finish(T s, int) const {
    return s / T(2);
  }
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return sum_of_terms(*this, x);
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {repeated(d, -5.0), repeated(d, 5.0)}; }
  static constexpr evaluation_work term_work{6, 0, 0, 0}, finish_work{1, 0, 0, 0};
  static constexpr evaluation_work work(int d) { return sum_evaluation_work<styblinski_tang>(d); }
  static known_minimum minimum(int d) { return {{repeated(d, -2.903534027771177)}, -39.16616570377141 * d}; }
#endif
};

}  // namespace fdgd::functions
