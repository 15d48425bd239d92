// Must not compile: min_dim declared as an ordinary member, with the CPU backend called directly
// (solve_cpu checks its inputs itself). Expected: check_objective's message about min_dim, and no
// error after it.
#include "fdgd/cpu_backend.hpp"

struct misdeclared_min_dim {
  int min_dim = 2;
  template <class P>
  typename P::value_type operator()(const P& x) const {
    return x[0] * x[1];
  }
};

int main() {
  fdgd::solve_cpu<double, fdgd::dynamic_dim>(misdeclared_min_dim{}, fdgd::starts::uniform(2, -1, 1, 5), fdgd::options{});
}
