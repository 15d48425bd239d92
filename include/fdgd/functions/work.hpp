// Host-only: the floating-point work of evaluations and gradients, from the counts written next to
// each built-in (bench/ROOFLINE.md weighs them). A sum-structured objective (fdgd/sum_structure.hpp)
// counts one term and its finish; the rest follows from the structure.
#pragma once
#if !defined(__CUDACC_RTC__)
#include <algorithm>
#include <utility>

#include "fdgd/difference.hpp"
#include "fdgd/functions/metadata.hpp"

namespace fdgd::functions {

/// How many sums a sum-structured F carries through its terms (1, or K for fdgd::sums<T, K>).
template <class F>
constexpr int sums_carried() {
  using term_type = decltype(std::declval<const F&>().term(std::declval<const fixed_point<double, 1>&>(), 0));
  return int(sizeof(term_type) / sizeof(double));
}

/// One evaluation of a sum-structured F at dimension d: n terms, n - 1 additions of them, the finish.
template <class F>
constexpr evaluation_work sum_evaluation_work(int d) {
  const int n = F::term_count(d);
  return double(n) * F::term_work + evaluation_work{double((n - 1) * sums_carried<F>()), 0, 0, 0} + F::finish_work;
}

/// The evaluation work of one central-difference gradient of F at compile-time dimension D: 2D whole
/// evaluations, or, where fdgd::gradient keeps the terms at x, what detail::gradient_by_terms computes.
template <class F, int D>
constexpr evaluation_work gradient_work() {
  if constexpr (detail::term_reuse_for<F, fixed_point<double, D>>::value == detail::term_reuse::kept) {
    const int n = F::term_count(D), reach = F::term_reach, k = sums_carried<F>();
    const evaluation_work add{double(k), 0, 0, 0};
    evaluation_work w = double(n) * F::term_work + double(std::max(0, D - reach - 2)) * add;  // the terms at x, the sums before
    for (int i = 0; i < D; ++i) {
      const int lo = std::max(0, i - reach), hi = std::min(n - 1, i);
      const int adds = (lo > 0 ? 1 : 0) + (hi - lo) + (n - 1 - hi);
      w = w + 2.0 * (double(hi - lo + 1) * F::term_work + double(adds) * add + F::finish_work);
    }
    return w;
  } else {
    return 2.0 * D * F::work(D);
  }
}

}  // namespace fdgd::functions
#endif
