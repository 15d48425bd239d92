// Must not compile: a sum-structured objective whose term type has no default constructor (the
// gradient keeps the terms in an array). Expected: check_objective's message about the term's type,
// and no error after it.
#include "fdgd/solve.hpp"

struct weighted {
  double value;
  explicit weighted(double v) : value(v) {}
  weighted& operator+=(const weighted& o) {
    value += o.value;
    return *this;
  }
};

struct term_without_default {
  static constexpr int term_reach = 0;
  static constexpr int term_count(int d) { return d; }
  template <class P>
  weighted term(const P& x, int j) const {
    return weighted(double(x[j]) * double(x[j]));
  }
  template <class P>
  typename P::value_type operator()(const P& x) const {
    return typename P::value_type(fdgd::sum_of_terms(*this, x));
  }
  double finish(const weighted& s, int) const { return s.value; }
};

int main() { fdgd::solve(term_without_default{}, fdgd::starts::uniform(2, -1, 1, 5), fdgd::options{}); }
