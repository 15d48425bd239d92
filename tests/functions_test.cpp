// Each built-in: its metadata is right (f at the listed minimizers is the listed minimum) and the
// descent reaches the known minimum from nearby starts.
#include <cmath>
#include <functional>
#include <string>
#include <utility>

#include "test_support.hpp"

namespace fdgd::test {
namespace {

struct descent_setting {
  const char* name;
  double lr;
  double f_tol;                  // |f - f*| allowed after descent
  double x_tol;                  // distance to the nearest minimizer allowed after descent
  std::int64_t steps = 400'000;  // an upper bound; gtol stops most trajectories long before
};

// Step sizes below 2 / (largest Hessian eigenvalue at the minimum), so plain descent contracts there.
// Ackley's minimum is a kink, where fixed-step descent hovers at a distance ~ lr * |grad|.
const descent_setting settings[] = {
    {"sphere", 0.1, 1e-12, 1e-6},         {"rosenbrock", 1e-3, 1e-9, 1e-4},     {"rastrigin", 1e-3, 1e-9, 1e-5},
    {"ackley", 1e-5, 1e-3, 1e-4, 20'000}, {"griewank", 0.5, 1e-9, 1e-4},        {"styblinski_tang", 0.01, 1e-8, 1e-5},
    {"levy", 0.01, 1e-9, 1e-5},           {"himmelblau", 0.005, 1e-9, 1e-5},    {"beale", 1e-3, 1e-9, 1e-4},
    {"booth", 0.05, 1e-9, 1e-5},          {"six_hump_camel", 0.01, 1e-9, 1e-5},
};

class Builtin : public testing::TestWithParam<descent_setting> {};

std::vector<int> dims_to_check(const builtin_info& b) {
  if (b.fixed_dim != 0) return {b.fixed_dim};
  return {std::max(b.min_dim, 2), 5, 8};  // register path, run-time path, register path
}

TEST(BuiltinInfo, MetadataAtADimensionTheFunctionLacksIsRefused) {
  // himmelblau.box(3) returned a 2-D box, sphere.box(-1) threw std::length_error.
  for (const auto& [name, dim] : {std::pair<const char*, int>{"himmelblau", 3}, {"rosenbrock", 1}, {"sphere", -1}, {"sphere", 0}}) {
    const builtin_info& b = find_builtin(name);
    for (const auto& call : {std::function<void()>([&] { b.box(dim); }), std::function<void()>([&] { b.minimum(dim); }),
                             std::function<void()>([&] { b.work(dim); })}) {
      try {
        call();
        ADD_FAILURE() << name << " at d = " << dim << " was not refused";
      } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(std::string(name) + " has no dimension " + std::to_string(dim)), std::string::npos)
            << e.what();
      }
    }
  }
  EXPECT_EQ(find_builtin("himmelblau").box(2).lo.size(), 2u);
}

TEST_P(Builtin, KnownMinimumIsWhereTheMetadataSays) {
  const builtin_info& b = find_builtin(GetParam().name);
  for (int d : dims_to_check(b)) {
    const known_minimum m = b.minimum(d);
    std::vector<double> points;
    for (const auto& p : m.points) points.insert(points.end(), p.begin(), p.end());
    options o;
    o.steps = 0;
    o.backend = backend_kind::cpu;
    const result r = minimize(b.name, starts::given(points, d), o);
    for (std::int64_t i = 0; i < r.count; ++i)
      EXPECT_NEAR(r.f[std::size_t(i)], m.value, 1e-12 * (1 + std::fabs(m.value))) << "d = " << d;
  }
}

TEST_P(Builtin, DescentFromNearbyStartsReachesTheKnownMinimum) {
  const descent_setting& setting = GetParam();
  const builtin_info& b = find_builtin(setting.name);
  for (int d : dims_to_check(b)) {
    SCOPED_TRACE("d = " + std::to_string(d));
    const known_minimum m = b.minimum(d);
    // Around every minimizer, starts offset by up to 0.05 in each coordinate.
    std::vector<double> points;
    for (const auto& p : m.points)
      for (int k = 0; k < 4; ++k)
        for (int j = 0; j < d; ++j) points.push_back(p[std::size_t(j)] + 0.05 * std::sin(1.7 * k + 2.3 * j + 1));
    options o;
    o.backend = backend_kind::automatic;
    o.lr = setting.lr;
    o.steps = setting.steps;
    o.gtol = 1e-9;
    const result r = minimize(b.name, starts::given(points, d), o);
    EXPECT_EQ(r.nonfinite, 0);
    for (std::int64_t i = 0; i < r.count; ++i) {
      EXPECT_NEAR(r.f[std::size_t(i)], m.value, setting.f_tol) << "start " << i;
      double nearest = HUGE_VAL;
      for (const auto& p : m.points) {
        double dist2 = 0;
        for (int j = 0; j < d; ++j) dist2 += std::pow(r.x[std::size_t(i * d + j)] - p[std::size_t(j)], 2);
        nearest = std::min(nearest, std::sqrt(dist2));
      }
      EXPECT_LT(nearest, setting.x_tol) << "start " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(All, Builtin, testing::ValuesIn(settings),
                         [](const testing::TestParamInfo<descent_setting>& p) { return std::string(p.param.name); });

TEST(Builtins, EveryBuiltinIsListedOnceWithABox) {
  EXPECT_EQ(builtin_functions().size(), std::size(settings));
  for (const auto& b : builtin_functions()) {
    const int d = b.fixed_dim ? b.fixed_dim : 3;
    const search_box box = b.box(d);
    ASSERT_EQ(box.lo.size(), std::size_t(d)) << b.name;
    for (int j = 0; j < d; ++j) EXPECT_LT(box.lo[std::size_t(j)], box.hi[std::size_t(j)]) << b.name;
  }
}

}  // namespace
}  // namespace fdgd::test
