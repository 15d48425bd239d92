// The convergence test compares the gradient's sum of squares with a limit worked out once per run,
// instead of taking a square root per step; it must decide exactly as |g| <= gtol does.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "fdgd/detail/host_loop.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

template <class T>
using bits_t = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;

/// Positive finite values of T from every binade, subnormals and the range's ends included.
template <class T>
std::vector<T> gtols(std::size_t n) {
  const bool f64 = sizeof(T) == 8;  // a subnormal, and a gtol whose square is subnormal, in each precision
  std::vector<T> out = {std::numeric_limits<T>::denorm_min(), std::numeric_limits<T>::min(), T(f64 ? 1e-310 : 1e-40),
                        T(f64 ? 1e-160 : 1e-20), T(1e-8), T(1e-6), T(1), T(2), T(3), std::numeric_limits<T>::max()};
  std::mt19937_64 rng(7);
  while (out.size() < n) {
    const bits_t<T> b = bits_t<T>(rng()) >> 1;  // sign bit clear
    T v;
    std::memcpy(&v, &b, sizeof v);
    if (std::isfinite(v) && v > 0) out.push_back(v);
  }
  return out;
}

template <class T>
void expect_exact_limits() {
  std::mt19937_64 rng(11);
  for (const T gtol : gtols<T>(20000)) {
    const T limit = detail::gtol_squared_limit(gtol);
    ASSERT_LE(std::sqrt(limit), gtol) << std::hexfloat << "gtol " << gtol;
    ASSERT_GT(std::sqrt(std::nextafter(limit, std::numeric_limits<T>::infinity())), gtol) << std::hexfloat << "gtol " << gtol;
    // Sums near the limit and anywhere: the same answer as the square root's.
    for (int k = 0; k < 20; ++k) {
      const T near = limit * (T(1) + T(std::ldexp(double(int(rng() % 64) - 32), -std::numeric_limits<T>::digits)));
      const T s = k % 2 ? near : std::ldexp(limit, int(rng() % 40) - 20);
      ASSERT_EQ(std::sqrt(s) <= gtol, s <= limit) << std::hexfloat << "gtol " << gtol << ", s " << s;
    }
  }
  EXPECT_EQ(detail::gtol_squared_limit(T(0)), T(0));
}

TEST(GtolSquaredLimit, IsTheLargestSumWhoseRootIsAtMostGtolDouble) { expect_exact_limits<double>(); }
TEST(GtolSquaredLimit, IsTheLargestSumWhoseRootIsAtMostGtolFloat) { expect_exact_limits<float>(); }

class Gtol : public testing::TestWithParam<backend_kind> {};

TEST_P(Gtol, ConvergesAtTheStepWhoseNormEqualsGtolAndNotOneUlpBelow) {
  // gtol set to the norm |g| has after k steps: that step converges, with the square root skipped; one
  // ulp below, it does not. 64 copies of the start run in SIMD groups on the CPU, one alone does not.
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  for (const precision prec : {precision::f64, precision::f32})
    for (const std::int64_t copies : {1, 64}) {
      options o = on(GetParam());
      o.prec = prec;
      o.lr = 0.1;
      o.steps = 7;
      const starts s = starts::given(std::vector<double>(std::size_t(2 * copies), 0.75), 2);
      const double norm_at_7 = minimize("sphere", s, o).grad_norm[0];
      o.steps = 1000;
      o.gtol = norm_at_7;
      const result at = minimize("sphere", s, o);
      o.gtol = prec == precision::f32 ? double(std::nextafter(float(norm_at_7), 0.f)) : std::nextafter(norm_at_7, 0.0);
      const result below = minimize("sphere", s, o);
      for (std::int64_t i = 0; i < copies; ++i) {
        EXPECT_EQ(at.status[i], trajectory_status::converged);
        EXPECT_EQ(at.steps[i], 7) << "copies " << copies << ", f32 " << (prec == precision::f32);
        EXPECT_GT(below.steps[i], 7) << "copies " << copies << ", f32 " << (prec == precision::f32);
      }
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, Gtol, testing::Values(backend_kind::cpu, backend_kind::cuda), backend_name);

}  // namespace
}  // namespace fdgd::test
