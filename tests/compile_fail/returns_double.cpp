// Must not compile: an objective that returns double whatever the point (a single-precision run would
// compute in double). Expected: check_objective's message about the value_type, and no error after it.
#include "fdgd/solve.hpp"

struct returns_double {
  template <class P>
  double operator()(const P& x) const {
    return double(x[0]) * double(x[0]);
  }
};

int main() { fdgd::solve(returns_double{}, fdgd::starts::uniform(2, -1, 1, 5), fdgd::options{}); }
