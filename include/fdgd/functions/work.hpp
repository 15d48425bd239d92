// Host-only: the floating-point work of evaluations and gradients, from the counts written next to
// each built-in (bench/ROOFLINE.md weighs them). A sum-structured objective (fdgd/sum_structure.hpp)
// counts a term (term_work, or term_work_at(j, d) where its terms differ) and its finish; the rest
// follows from the structure.
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

template <class F, class = void>
struct has_term_work_at : std::false_type {};
template <class F>
struct has_term_work_at<F, fdgd::detail::void_type<decltype(F::term_work_at(0, 1))>> : std::true_type {};
template <class F, class = void>
struct has_combine_flops : std::false_type {};
template <class F>
struct has_combine_flops<F, fdgd::detail::void_type<decltype(F::combine_flops)>> : std::true_type {};

/// The work of term j at dimension d: F::term_work, or F::term_work_at(j, d) where terms differ (levy).
template <class F>
constexpr evaluation_work term_work_of(int j, int d) {
  if constexpr (has_term_work_at<F>::value) {
    return F::term_work_at(j, d);
  } else {
    return F::term_work;
  }
}

/// One += of F's terms: an addition a sum carried, or F::combine_flops where += does otherwise.
template <class F>
constexpr evaluation_work combine_work() {
  if constexpr (has_combine_flops<F>::value) {
    return {double(F::combine_flops), 0, 0, 0};
  } else {
    return {double(sums_carried<F>()), 0, 0, 0};
  }
}

/// The work of terms lo..hi of F at dimension d.
template <class F>
constexpr evaluation_work terms_work(int lo, int hi, int d) {
  evaluation_work w{0, 0, 0, 0};
  for (int j = lo; j <= hi; ++j) w = w + term_work_of<F>(j, d);
  return w;
}

/// One evaluation of a sum-structured F at dimension d: n terms, n - 1 additions of them, the finish.
template <class F>
constexpr evaluation_work sum_evaluation_work(int d) {
  const int n = F::term_count(d);
  return terms_work<F>(0, n - 1, d) + double(n - 1) * combine_work<F>() + F::finish_work;
}

/// The evaluation work of one central-difference gradient of F at compile-time dimension D: 2D whole
/// evaluations, or, where fdgd::gradient keeps the terms at x, what detail::gradient_by_terms computes.
template <class F, int D>
constexpr evaluation_work gradient_work() {
  if constexpr (detail::term_reuse_for<F, fixed_point<double, D>>::value == detail::term_reuse::kept) {
    const int n = F::term_count(D), reach = F::term_reach;
    const evaluation_work add = combine_work<F>();
    evaluation_work w = terms_work<F>(0, n - 1, D) + double(std::max(0, D - reach - 2)) * add;  // the terms at x, the sums before
    for (int i = 0; i < D; ++i) {
      const int lo = std::max(0, i - reach), hi = std::min(n - 1, i);
      const int adds = (lo > 0 ? 1 : 0) + (hi - lo) + (n - 1 - hi);
      w = w + 2.0 * (terms_work<F>(lo, hi, D) + double(adds) * add + F::finish_work);
    }
    return w;
  } else {
    return 2.0 * D * F::work(D);
  }
}

}  // namespace fdgd::functions
#endif
