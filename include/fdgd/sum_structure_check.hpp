// A check for the author of a sum-structured objective (fdgd/sum_structure.hpp). Its declaration is
// a promise the gradient relies on: a term that reads beyond its term_reach, or a term_count or
// finish that does not add up to operator(), gives a wrong gradient with no error, and trajectories
// that stop as "converged" where f is not stationary. This compares, at given points, the gradient
// the descent computes through the terms with the one of 2d whole evaluations of f.
#pragma once
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "fdgd/difference.hpp"
#include "fdgd/finite.hpp"
#include "fdgd/point.hpp"
#include "fdgd/starts.hpp"
#include "fdgd/sum_structure.hpp"

namespace fdgd {

/// The first start at which f's gradient through its declared terms differs in any bit from the
/// gradient by whole evaluations of f (in double, step h), or -1 where they agree at every start.
/// Throws std::invalid_argument for an h that is not finite and > 0, and where the terms cannot be
/// evaluated at the starts' dimension: none there, or a last term that would read beyond x (as solve
/// refuses them).
template <class Objective>
std::int64_t first_start_where_terms_disagree(const Objective& f, const starts& s, double h = 1e-4) {
  static_assert(has_sum_structure<Objective>::value, "fdgd: the objective declares no sum structure (term_reach)");
  if (!(h > 0) || !(2 * h < std::numeric_limits<double>::infinity()))
    throw std::invalid_argument("fdgd: first_start_where_terms_disagree: h must be finite and > 0");
  detail::check_not_empty(s);
  const int d = s.dim();
  if (const char* why = detail::terms_misfit<Objective>(d))
    throw std::invalid_argument("fdgd: first_start_where_terms_disagree: dim = " + std::to_string(d) + " but the objective " + why);
  std::vector<double> x(std::size_t(d), 0.0), by_terms(std::size_t(d), 0.0), by_evaluations(std::size_t(d), 0.0);
  for (std::int64_t i = 0; i < s.count(); ++i) {
    s.write_start(i, x.data());
    const strided_point<double> at{x.data(), 1, d};
    strided_point<double> g{by_terms.data(), 1, d}, reference{by_evaluations.data(), 1, d};
    gradient(central_difference{}, f, at, g, h);
    detail::gradient_by_evaluations(f, at, reference, h, 2 * h);
    for (int j = 0; j < d; ++j)
      if (!same_bits(by_terms[std::size_t(j)], by_evaluations[std::size_t(j)])) return i;
  }
  return -1;
}

}  // namespace fdgd
