// The seed's own example: f = x0^2 + x1^2 from (-3, 4), 100 steps, at three learning rates.
#include "fdgd/solve.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

class SeedExample : public testing::TestWithParam<backend_kind> {};

struct seed_case {
  double lr, x0, x1;
  trajectory_status status;
};

TEST_P(SeedExample, ReproducesTheSeedsFinalPoints) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  const seed_case cases[] = {
      {0.1, -6.111107928998789e-10, 8.148143905314271e-10, trajectory_status::finished},
      // Diverged so far that x0 +- h are one number: every step, yet the end says so.
      {10, -2.5898374737328363e+13, -1.2952486168965398e+12, trajectory_status::unresolved},
      {1e-10, -2.999999939999995, 3.9999999199999934, trajectory_status::finished},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("lr = " + std::to_string(c.lr));
    options o = on(GetParam());
    o.lr = c.lr;
    const result r = minimize("sphere", starts::given({-3.0, 4.0}, 2), o);
    ASSERT_EQ(r.count, 1);
    EXPECT_TRUE(rel_near(r.x[0], c.x0, 1e-12));
    EXPECT_TRUE(rel_near(r.x[1], c.x1, 1e-12));
    EXPECT_EQ(r.steps[0], 100);
    EXPECT_EQ(r.status[0], c.status);
    EXPECT_EQ(r.backend, GetParam() == backend_kind::cuda ? "cuda" : "cpu");
  }
}

TEST_P(SeedExample, SinglePrecisionFollowsTheSameDescent) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.lr = 0.1;
  o.prec = precision::f32;
  const result r = minimize("sphere", starts::given({-3.0, 4.0}, 2), o);
  // The seed's loop written in float here, as guarantees.md describes f32 (lr and h rounded to float,
  // 2h = 2 float(h)): the same bits. (The double run's point, within 1e-2 relative: the same descent.)
  float x[2] = {-3.0f, 4.0f};
  const float lr = 0.1f, h = 1e-4f;
  const auto f = [](const float* p) { return p[0] * p[0] + p[1] * p[1]; };
  for (int step = 0; step < 100; ++step) {
    float g[2];
    for (int i = 0; i < 2; ++i) {
      const float saved = x[i];
      x[i] = saved + h;
      const float f1 = f(x);
      x[i] = saved - h;
      const float f2 = f(x);
      g[i] = (f1 - f2) / (2 * h);
      x[i] = saved;
    }
    for (int i = 0; i < 2; ++i) x[i] -= lr * g[i];
  }
  EXPECT_EQ(r.x[0], double(x[0]));
  EXPECT_EQ(r.x[1], double(x[1]));
  EXPECT_TRUE(rel_near(r.x[0], -6.111107928998789e-10, 1e-2)) << r.x[0];
  EXPECT_TRUE(rel_near(r.x[1], 8.148143905314271e-10, 1e-2)) << r.x[1];
  EXPECT_EQ(r.status[0], trajectory_status::finished);
}

// The seed's f written as a generic lambda (an objective for the CPU backend, objective.hpp): the
// seed's final point to the bit, as the built-in sphere gives it, on both dimension paths.
TEST(SeedExampleAsLambda, AGenericLambdaIsAnObjectiveWithTheSeedsBits) {
  const auto f = [](const auto& x) { return x[0] * x[0] + x[1] * x[1]; };
  options o = on(backend_kind::cpu);
  o.lr = 0.1;
  const starts s = starts::given({-3.0, 4.0}, 2);
  const result builtin = minimize("sphere", s, o);
  for (const result& r : {solve(f, s, o), solve<2>(f, s, o)}) {
    ASSERT_EQ(r.count, 1);
    EXPECT_EQ(r.x[0], -6.111107928998789e-10);
    EXPECT_EQ(r.x[1], 8.148143905314271e-10);
    EXPECT_EQ(r.x, builtin.x);
    EXPECT_EQ(r.f, builtin.f);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SeedExample, testing::Values(backend_kind::cpu, backend_kind::cuda), backend_name);

}  // namespace
}  // namespace fdgd::test
