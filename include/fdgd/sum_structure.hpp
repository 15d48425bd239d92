// Objectives that are sums of terms, and what the gradient gains from saying so.
//
// An objective may describe itself as
//
//   f(x) = finish(t_0 + t_1 + ... + t_{n-1}, d),   added left to right, n = term_count(d),
//
// where term t_j reads only x_j .. x_{j + term_reach}. It declares
//
//   static constexpr int term_reach;                            // 0: t_j reads x_j alone
//   FDGD_HD static constexpr int term_count(int d);             // d - term_reach, at least 1 (solve refuses a d where not)
//   template <class P> FDGD_HD auto term(const P& x, int j) const;   // T, sums<T, K>, sum_and_product<T>, or a struct with +=
//   template <class A> FDGD_HD T finish(const A& s, int d) const;
//
// and defines operator() as fdgd::sum_of_terms(*this, x), so the formula is written once
// (fdgd/sum_structure_check.hpp checks such a declaration against f's values at chosen points). Where a
// term has a part far cheaper to compute again than to hold through the gradient (ackley's x_j^2
// beside its cosine), it may also declare what the gradient keeps of a term and how the term is had
// again from that, to the same bits (used on the device under FDGD_CUDA_SLIM_TERMS, an experiment):
//
//   template <class Term> FDGD_HD auto kept_part(const Term& t) const;
//   template <class P, class K> FDGD_HD Term term_from_kept(const P& x, int j, const K& kept) const;
//
// Moving x_i then changes only the terms that read it. The sum of the terms before them is the same
// in every evaluation, and so are the terms after them, bit for bit: fdgd::gradient computes each
// once a step and redoes only the changed terms and the additions after them, in the same order as
// f itself. The gradient is the reference's to the last bit (tests/sum_structure_test.cpp), with
// far less work: rosenbrock d = 16 does about a fifth of the flops, ackley d = 32 a twentieth of
// the cosines.
#pragma once
#include "fdgd/config.hpp"

namespace fdgd {

/// Several sums carried together through one pass over the terms (ackley's squares and cosines).
template <class T, int K>
struct sums {
  T v[K];
  FDGD_HD sums& operator+=(const sums& o) {
    FDGD_UNROLL
    for (int k = 0; k < K; ++k) v[k] += o.v[k];
    return *this;
  }
};

/// A sum and a product carried together (griewank): its += adds the first and multiplies the second,
/// so "added" above reads "combined" for it.
template <class T>
struct sum_and_product {
  T sum, product;
  FDGD_HD sum_and_product& operator+=(const sum_and_product& o) {
    sum += o.sum;
    product *= o.product;
    return *this;
  }
};

namespace detail {
template <class...>
using void_type = void;
}  // namespace detail

/// True for objectives that declare the sum structure above.
template <class Objective, class = void>
struct has_sum_structure : std::false_type {};
template <class Objective>
struct has_sum_structure<Objective, detail::void_type<decltype(Objective::term_reach)>> : std::true_type {};

namespace detail {
/// Why a sum-structured Objective has no dimension d: no terms there, a last term that would read
/// beyond x (term_count(d) - 1 + term_reach > d - 1), or coordinates after the last term's reach, which
/// no term reads (the gradient by terms takes every coordinate to be read); nullptr where it has one.
template <class Objective>
constexpr const char* terms_misfit(int d) {
  const long long n = Objective::term_count(d), reach = Objective::term_reach;  // (reach: any integer type)
  if (n < 1) return "has no terms there (its term_count(d) is below 1)";
  if (n - 1 + reach > static_cast<long long>(d) - 1)
    return "has terms that would read beyond x there (its term_count(d) - 1 + term_reach is above d - 1)";
  if (n - 1 + reach < static_cast<long long>(d) - 1)
    return "has coordinates no term reads there (its term_count(d) - 1 + term_reach is below d - 1)";
  return nullptr;
}
}  // namespace detail

/// True for sum-structured objectives with terms of type Term that declare kept_part (see above).
template <class Objective, class Term, class = void>
struct has_kept_part : std::false_type {};
template <class Objective, class Term>
struct has_kept_part<
    Objective, Term,
    detail::void_type<decltype(static_cast<const Objective*>(nullptr)->kept_part(*static_cast<const Term*>(nullptr)))>>
    : std::true_type {};

/// f(x) for a sum-structured objective: its terms added left to right from the first, then finished.
template <class Objective, class P>
FDGD_HD typename P::value_type sum_of_terms(const Objective& f, const P& x) {
  const int d = x.size(), n = Objective::term_count(d);
  auto s = f.term(x, 0);
  FDGD_UNROLL
  for (int j = 1; j < n; ++j) s += f.term(x, j);
  return f.finish(s, d);
}

}  // namespace fdgd
