// Must not compile: an objective whose operator() is not const (the backends call it through a
// const reference). Expected: check_objective's message, once, and no error after it.
#include "fdgd/solve.hpp"

struct non_const_call {
  template <class P>
  typename P::value_type operator()(const P& x) {
    return x[0];
  }
};

int main() { fdgd::solve(non_const_call{}, fdgd::starts::uniform(2, -1, 1, 5), fdgd::options{}); }
