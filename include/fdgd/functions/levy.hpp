#pragma once
#include "fdgd/config.hpp"
#include "fdgd/functions/metadata.hpp"
#include "fdgd/functions/work.hpp"
#include "fdgd/math.hpp"
#include "fdgd/sum_structure.hpp"

namespace fdgd::functions {

/// What levy's terms carry: sin^2(pi w_0), brought by the first term alone; the middle sum; and the
/// last coordinate's part, brought by the last term alone. Sums start from the first term
/// (fdgd/sum_structure.hpp), so += leaves `first` alone; the other terms' last parts are +0, and
/// +0 + ... + +0 + p = p for the last part p >= +0.
template <class T>
struct levy_parts {
  T first, middle, last;
  FDGD_HD levy_parts& operator+=(const levy_parts& o) {
    middle += o.middle;
    last += o.last;  // +0 from every term but the last
    return *this;
  }
};

/// With w_i = 1 + (x_i - 1) / 4: sin^2(pi w_0) + sum_{i<d-1} (w_i - 1)^2 (1 + 10 sin^2(pi w_i + 1))
/// + (w_{d-1} - 1)^2 (1 + sin^2(2 pi w_{d-1})). Box [-10, 10]^d; minimum 0 at (1, ..., 1).
struct levy {
  static constexpr const char* name = "levy";
  static constexpr const char* formula =
      "sin(pi*(1 + (x0 - 1)/4))^2 + sum(i=0..d-2, ((1 + (x[i] - 1)/4) - 1)^2*(1 + 10*sin(pi*(1 + (x[i] - 1)/4) + 1)^2)) + ((1 + (x[d-1] - 1)/4) - 1)^2*(1 + sin(2*pi*(1 + (x[d-1] - 1)/4))^2)";  ///< as fdgd --expr reads it
  static constexpr int fixed_dim = 0;
  static constexpr int min_dim = 1;
  static constexpr bool lane_safe = true;  // no branches on x: the CPU may run it on fdgd::lanes
  // Term j reads x_j: the first part where j = 0, the middle sum's term where j < d - 1, the last
  // part where j = d - 1 (fdgd/sum_structure.hpp). The branches are on j, never on x.
  static constexpr int term_reach = 0;
  FDGD_HD static constexpr int term_count(int d) { return d; }
  template <class P>
  FDGD_HD levy_parts<typename P::value_type> term(const P& x, int j) const {
    using T = typename P::value_type;
    const T pi = T(math::pi);
    const T w = T(1) + (x[j] - T(1)) / T(4);
    levy_parts<T> p{T(0), T(0), T(0)};
    if (j == 0) {
      const T s = math::sin(pi * w);
      p.first = s * s;
    }
    if (j < x.size() - 1) {
      const T s = math::sin(pi * w + T(1));
      p.middle = (w - T(1)) * (w - T(1)) * (T(1) + T(10) * (s * s));
    } else {
      const T s = math::sin(T(2) * pi * w);
      p.last = (w - T(1)) * (w - T(1)) * (T(1) + s * s);
    }
    return p;
  }
  // A middle sum of d - 1 terms starts from the first (0 + t = t for these t >= +0); at d = 1 it is 0.
  template <class T>
  FDGD_HD T finish(const levy_parts<T>& p, int) const {
    return p.first + p.middle + p.last;
  }
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return sum_of_terms(*this, x);
  }
#ifdef FDGD_HOST_METADATA
  static search_box box(int d) { return {repeated(d, -10.0), repeated(d, 10.0)}; }
  // Term j: w and a middle term (11 flops and a sine), or the last part (9 flops and a sine: 2 pi is a
  // constant); term 0 adds the first part (a sine, and s * s beside the pi w its middle term shares;
  // pi w too at d = 1). w - 1 counts once. One += is two additions; the finish adds the parts.
  static constexpr evaluation_work term_work_at(int j, int d) {
    return evaluation_work{j < d - 1 ? 11.0 : 9.0, 1, 0, 0} +
           (j == 0 ? evaluation_work{d > 1 ? 1.0 : 2.0, 1, 0, 0} : evaluation_work{0, 0, 0, 0});
  }
  static constexpr evaluation_work finish_work{2, 0, 0, 0};
  static constexpr int combine_flops = 2;
  static constexpr evaluation_work work(int d) { return sum_evaluation_work<levy>(d); }
  static known_minimum minimum(int d) { return {{repeated(d, 1.0)}, 0.0}; }
#endif
};

}  // namespace fdgd::functions
