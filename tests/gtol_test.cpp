// The convergence test compares the gradient's sum of squares with a limit worked out once per run,
// instead of taking a square root per step; it must decide exactly as |g| <= gtol does.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "fdgd/detail/host_loop.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

/// Positive finite values of T from every binade, subnormals and the range's ends included.
template <class T>
std::vector<T> gtols(std::size_t n) {
  const bool f64 = sizeof(T) == 8;  // a subnormal, and a gtol whose square is subnormal, in each precision
  std::vector<T> out = {std::numeric_limits<T>::denorm_min(),
                        std::numeric_limits<T>::min(),
                        T(f64 ? 1e-310 : 1e-40),
                        T(f64 ? 1e-160 : 1e-20),
                        T(1e-8),
                        T(1e-6),
                        T(1),
                        T(2),
                        T(3),
                        std::numeric_limits<T>::max()};
  std::mt19937_64 rng(7);
  while (out.size() < n) {
    using bits_t = decltype(bits_of(T()));
    const T v = from_bits<T>(bits_t(rng()) >> 1);  // sign bit clear
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
  // ulp below, it does not. 128 copies of the start fill SIMD groups on the CPU (and --expr's blocks
  // of 64 doubles or 128 floats), one alone does not; on CUDA, the built-in's kernel and NVRTC's.
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  for (const bool typed : {false, true})
    for (const precision prec : {precision::f64, precision::f32})
      for (const std::int64_t copies : {1, 128}) {
        SCOPED_TRACE(std::string(typed ? "--expr" : "built-in") + (prec == precision::f32 ? " f32" : " f64") + ", copies " +
                     std::to_string(copies));
        const auto run = [typed](const starts& s, const options& o) {
          return typed ? minimize_expression("x0^2 + x1^2", s, o) : minimize("sphere", s, o);
        };
        options o = on(GetParam());
        o.prec = prec;
        o.lr = 0.1;
        o.steps = 7;
        const starts s = starts::given(std::vector<double>(std::size_t(2 * copies), 0.75), 2);
        const double norm_at_7 = run(s, o).grad_norm[0];
        o.steps = 1000;
        o.gtol = norm_at_7;
        const result at = run(s, o);
        o.gtol = prec == precision::f32 ? double(std::nextafter(float(norm_at_7), 0.f)) : std::nextafter(norm_at_7, 0.0);
        const result below = run(s, o);
        // A double just below the norm: in f32 the test takes the float below it, not the nearest float,
        // which is the norm itself (it called converged a |g| above gtol).
        o.gtol = std::nextafter(norm_at_7, 0.0);
        const result just_below = run(s, o);
        // With 7 steps in all, the last one reaches gtol: converged too, not finished (one ulp below: finished).
        o.steps = 7;
        o.gtol = norm_at_7;
        const result at_the_end = run(s, o);
        o.gtol = prec == precision::f32 ? double(std::nextafter(float(norm_at_7), 0.f)) : std::nextafter(norm_at_7, 0.0);
        const result short_of_it = run(s, o);
        for (std::int64_t i = 0; i < copies; ++i) {
          EXPECT_EQ(at.status[i], trajectory_status::converged);
          EXPECT_EQ(at.steps[i], 7);
          EXPECT_GT(below.steps[i], 7);
          EXPECT_GT(just_below.steps[i], 7);
          EXPECT_EQ(at_the_end.status[i], trajectory_status::converged);
          EXPECT_EQ(at_the_end.steps[i], 7);
          EXPECT_EQ(short_of_it.status[i], trajectory_status::finished);
        }
      }
}

INSTANTIATE_TEST_SUITE_P(Backends, Gtol, testing::Values(backend_kind::cpu, backend_kind::cuda), backend_name);

}  // namespace
}  // namespace fdgd::test
