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

TEST_P(Gtol, AGradientWhoseSquaresOverflowIsTestedByItsNorm) {
  // |g| = 1e160 (1e20 in f32): its sum of squares is inf, which the test before a step took for "above
  // any gtol", while the status at the end, from the norm itself, said converged: the run took every
  // step (until gtol: forever) where it should stop at once. Alone and in SIMD groups, built-in shapes
  // through --expr's interpreter, which runs in groups.
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  for (const precision prec : {precision::f64, precision::f32})
    for (const std::int64_t copies : {1, 128}) {
      SCOPED_TRACE(std::string(prec == precision::f32 ? "f32" : "f64") + ", copies " + std::to_string(copies));
      const bool f32 = prec == precision::f32;
      options o = on(GetParam());
      o.prec = prec;
      o.lr = f32 ? 1e-20 : 1e-160;
      o.gtol = f32 ? 1e30 : 1e200;
      o.steps = 1000;
      const result r = minimize_expression(f32 ? "1e20*abs(x0)" : "1e160*abs(x0)",
                                           starts::given(std::vector<double>(std::size_t(copies), 0.5), 1), o);
      for (std::int64_t i = 0; i < copies; ++i) {
        EXPECT_EQ(r.status[i], trajectory_status::converged);
        EXPECT_EQ(r.steps[i], 0);
        EXPECT_NEAR(r.grad_norm[i], f32 ? 1e20 : 1e160, f32 ? 1e17 : 1e151);  // f32: the difference of f at 0.5 +- h, to 1e-3
      }
    }
}

TEST_P(Gtol, AtTheFloorASumOfSquaresThatUnderflowedDecidesAsTheNormDoes) {
  // f32 at gtol's floor, 2^-63: squares of about 2^-70 are subnormal and lose bits, and their sum could
  // pass the test before a step where the norm at the end, rescaled, is an ulp above gtol (converged
  // with |g| > gtol). Starts at radii within a few ulps of the boundary: converged at step 0 with one
  // step asked exactly where --steps 0 calls it converged, and never with a norm above gtol.
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  const int d = 64, n = 4000;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<double> x;
  const double radius = 0x1p-63 / 1e-19;  // |g| = 1e-19 |x|
  for (int i = 0; i < n; ++i) {
    std::vector<double> v(d);
    double norm = 0;
    for (double& c : v) c = normal(rng), norm += c * c;
    const double r = radius * (1 + std::ldexp(double(i % 17) - 8, -23)) / std::sqrt(norm);
    for (double c : v) x.push_back(double(float(c * r)));
  }
  options o = on(GetParam());
  o.prec = precision::f32;
  o.h = 1e-2, o.lr = 1e-3, o.gtol = 0x1p-63, o.steps = 0;
  const std::string f = "1e-19*sum(i=0..d-1, x[i]^2)/2";
  const result at_start = minimize_expression(f, starts::given(x, d), o);
  o.steps = 1;
  const result one_step = minimize_expression(f, starts::given(x, d), o);
  int converged = 0;
  for (int i = 0; i < n; ++i) {
    const bool stopped = one_step.steps[i] == 0 && one_step.status[i] == trajectory_status::converged;
    EXPECT_EQ(stopped, at_start.status[i] == trajectory_status::converged) << "start " << i << ", |g| " << at_start.grad_norm[i];
    if (one_step.status[i] == trajectory_status::converged) {
      EXPECT_LE(one_step.grad_norm[i], 0x1p-63) << "start " << i;
    }
    converged += stopped;
  }
  EXPECT_GT(converged, n / 8);
  EXPECT_LT(converged, n - n / 8);
}

INSTANTIATE_TEST_SUITE_P(Backends, Gtol, testing::Values(backend_kind::cpu, backend_kind::cuda), backend_name);

}  // namespace
}  // namespace fdgd::test
