// Must not compile: cpu_block_bytes that no whole number of SIMD lanes fills. Expected:
// check_objective's message about cpu_block_bytes, and no error after it.
#include "fdgd/solve.hpp"

struct block_bytes_not_power_of_two {
  static constexpr bool lane_safe = true;
  static constexpr int cpu_block_bytes = 1000;
  template <class P>
  typename P::value_type operator()(const P& x) const {
    return x[0] * x[0];
  }
};

int main() { fdgd::solve(block_bytes_not_power_of_two{}, fdgd::starts::uniform(2, -1, 1, 5), fdgd::options{}); }
