#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/functions/work.hpp"
#include "fdgd/math.hpp"
#include "fdgd/sum_structure.hpp"

namespace fdgd::functions {

/// -20 exp(-0.2 sqrt(sum x_i^2 / d)) - exp(sum cos(2 pi x_i) / d) + 20 + e.
/// Box [-32.768, 32.768]^d; minimum 0 at 0.
struct ackley {
  static constexpr const char* name = "ackley";
  static constexpr const char* formula =
      "-20*exp(-0.2*sqrt(sum(i=0..d-1, x[i]^2)/d)) - exp(sum(i=0..d-1, cos(2*pi*x[i]))/d) + 20 + e";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  // Two sums in one pass, of x_j^2 and of cos(2 pi x_j) (fdgd/sum_structure.hpp).
  static constexpr int term_reach = 0;
  FDGD_HD static constexpr int term_count(int d) { return d; }
  template <class P>
  FDGD_HD sums<typename P::value_type, 2> term(const P& x, int j) const {
    using T = typename P::value_type;
    return {{x[j] * x[j], math::cos(T(2) * T(math::pi) * x[j])}};
  }
  // The gradient may keep only the cosine and square x_j again (fdgd/sum_structure.hpp).
  template <class T>
  FDGD_HD T kept_part(const sums<T, 2>& t) const {
    return t.v[1];
  }
  template <class P, class T>
  FDGD_HD sums<T, 2> term_from_kept(const P& x, int j, T cosine) const {
    return {{math::fresh_square(x[j]), cosine}};
  }
  template <class T>
  FDGD_HD T finish(const sums<T, 2>& s, int d) const {
    const T squares = s.v[0], cosines = s.v[1], n = T(d);
    return T(-20) * math::exp(T(-0.2) * math::sqrt(squares / n)) - math::exp(cosines / n) + T(20) + T(math::e);
  }
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return sum_of_terms(*this, x);
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {repeated(d, -32.768), repeated(d, 32.768)}; }
  static constexpr evaluation_work term_work{2, 1, 0, 0}, finish_work{7, 0, 2, 1};
  static constexpr evaluation_work work(int d) { return sum_evaluation_work<ackley>(d); }
  static known_minimum minimum(int d) { return {{repeated(d, 0.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
