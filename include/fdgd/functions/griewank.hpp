#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/functions/work.hpp"
#include "fdgd/math.hpp"
#include "fdgd/sum_structure.hpp"

namespace fdgd::functions {

/// 1 + sum x_i^2 / 4000 - prod cos(x_i / sqrt(i + 1)). Box [-600, 600]^d; minimum 0 at 0.
struct griewank {
  static constexpr const char* name = "griewank";
  static constexpr const char* formula =
      "1 + sum(i=0..d-1, x[i]^2)/4000 - prod(i=0..d-1, cos(x[i]/sqrt(i + 1)))";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  // A sum of x_j^2 and a product of cos(x_j / sqrt(j + 1)) in one pass (fdgd/sum_structure.hpp);
  // both start from their first term (0 + a and 1 * a would be the same bits).
  static constexpr int term_reach = 0;
  FDGD_HD static constexpr int term_count(int d) { return d; }
  template <class P>
  FDGD_HD sum_and_product<typename P::value_type> term(const P& x, int j) const {
    using T = typename P::value_type;
    return {x[j] * x[j], math::cos(x[j] / math::sqrt(T(j + 1)))};
  }
  template <class T>
  FDGD_HD T finish(const sum_and_product<T>& s, int) const {
    return T(1) + s.sum / T(4000) - s.product;
  }
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return sum_of_terms(*this, x);
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {repeated(d, -600.0), repeated(d, 600.0)}; }
  // A term: x_j^2 and x_j / sqrt(j + 1), a cosine and a square root (which a compiled dimension
  // folds into a constant). Its division, and the finish's / 4000, count as one flop each, less than
  // an IEEE division costs (bench/ROOFLINE.md weighs the division by 2h, w_div, as it does cos).
  static constexpr evaluation_work term_work{2, 1, 0, 1}, finish_work{3, 0, 0, 0};
  static constexpr evaluation_work work(int d) { return sum_evaluation_work<griewank>(d); }
  static known_minimum minimum(int d) { return {{repeated(d, 0.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
