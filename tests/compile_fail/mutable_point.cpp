// Must not compile: an objective taking its point by non-const reference, which the gradient's
// temporary points cannot bind to. Expected: check_objective's message, and no error after it.
#include "fdgd/solve.hpp"

struct mutable_point {
  template <class P>
  typename P::value_type operator()(P& x) const {
    return x[0];
  }
};

int main() { fdgd::solve(mutable_point{}, fdgd::starts::uniform(2, -1, 1, 5), fdgd::options{}); }
