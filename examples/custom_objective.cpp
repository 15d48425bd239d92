// Your own objective: any functor templated on the point type, marked FDGD_HD so that nvcc can also
// compile it for the GPU. This file is plain C++, so it runs on the CPU backend; compile the same code
// as a .cu file with nvcc and `backend_kind::automatic` takes the GPU when one is present.
#include <cstdio>

#include "fdgd/solve.hpp"

// A shifted, scaled bowl: f(x) = sum_i w_i (x_i - c_i)^2. Members are plain values (it is copied to the device).
struct shifted_bowl {
  static constexpr int fixed_dim = 3;  // it reads 3 coordinates: a run at another d is refused
  double center[3];
  double weight[3];

  template <class Point>
  FDGD_HD typename Point::value_type operator()(const Point& x) const {
    using T = typename Point::value_type;
    T sum = 0;
    for (int i = 0; i < x.size(); ++i) {
      const T d = x[i] - T(center[i]);
      sum += T(weight[i]) * d * d;
    }
    return sum;
  }
};

int main() {
  const shifted_bowl f{{1.0, -2.0, 0.5}, {1.0, 3.0, 0.5}};
  fdgd::options opt;
  opt.lr = 0.1;
  opt.steps = 500;
  opt.gtol = 1e-10;  // stop each trajectory once |grad| <= 1e-10
  const auto starts = fdgd::starts::uniform(3, -10.0, 10.0, 100'000, /*seed=*/1);
  const fdgd::result r = fdgd::solve<3>(f, starts, opt);  // <3>: dimension fixed at compile time
  std::printf("%s", r.brief_report().c_str());
  return r.converged == r.count ? 0 : 1;
}
