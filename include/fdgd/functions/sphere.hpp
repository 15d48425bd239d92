#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/functions/work.hpp"
#include "fdgd/sum_structure.hpp"

namespace fdgd::functions {

/// sum x_i^2. The seed's function_2 is sphere in d = 2. Box [-5.12, 5.12]^d; minimum 0 at 0.
/// The sum starts from the first square, as the seed's x[0]**2 + x[1]**2 does: starting from 0 would
/// add one flop that changes no bit of the result.
struct sphere {
  static constexpr const char* name = "sphere";
  static constexpr const char* formula = "sum(i=0..d-1, x[i]^2)";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;                              // any d >= min_dim
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  // The sum of the terms x_j^2 (fdgd/sum_structure.hpp).
  static constexpr int term_reach = 0;
  FDGD_HD static constexpr int term_count(int d) { return d; }
  template <class P>
  FDGD_HD typename P::value_type term(const P& x, int j) const {
    return x[j] * x[j];
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
  static search_box box(int d) { return {repeated(d, -5.12), repeated(d, 5.12)}; }
  static constexpr evaluation_work term_work{1, 0, 0, 0}, finish_work{0, 0, 0, 0};
  static constexpr evaluation_work work(int d) { return sum_evaluation_work<sphere>(d); }
  static known_minimum minimum(int d) { return {{repeated(d, 0.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
