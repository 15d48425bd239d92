// Must not compile: fixed_dim declared as an ordinary member, which the library reads as a compile-
// time constant. Expected: check_objective's message about fixed_dim, and no error after it.
#include "fdgd/solve.hpp"

struct misdeclared_fixed_dim {
  int fixed_dim = 2;
  template <class P>
  typename P::value_type operator()(const P& x) const {
    return x[0] * x[1];
  }
};

int main() { fdgd::solve(misdeclared_fixed_dim{}, fdgd::starts::uniform(2, -1, 1, 5), fdgd::options{}); }
