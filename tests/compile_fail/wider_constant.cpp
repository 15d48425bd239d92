// Must not compile: a lane_safe objective with a double constant in single precision, which the lanes
// would round to float where the scalar code computes in double. Expected: the lanes' message, once.
#include "fdgd/solve.hpp"
struct bowl {
  static constexpr bool lane_safe = true;
  template <class P>
  typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    T s = x[0] * x[0];
    return s + 0.1 * x[1] * x[1];
  }
};
int main() {
  fdgd::options o;
  o.prec = fdgd::precision::f32;
  fdgd::solve(bowl{}, fdgd::starts::uniform(2, -1, 1, 64, 1), o);
}
