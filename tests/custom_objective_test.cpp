// A user's own objective through fdgd::solve. This file is compiled by nvcc when CUDA is present, so
// the same functor runs on both backends; the built-ins double as custom objectives to check that the
// register and run-time-dimension paths agree bit for bit.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include <limits>
#include <vector>

#include "fdgd/functions.hpp"
#include "fdgd/solve.hpp"
#include "host_compiled.hpp"
#include "test_support.hpp"
#if defined(__CUDACC__)
#include "fdgd/cuda/result_rows.cuh"
#endif

namespace fdgd::test {
namespace {

struct shifted_sphere {
  double center[3];
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    T s = 0;
    for (int i = 0; i < x.size(); ++i) s += (x[i] - T(center[i % 3])) * (x[i] - T(center[i % 3]));
    return s;
  }
};

/// Unbounded below: descent runs away ever faster until exp overflows (after a handful of steps).
struct runaway {
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return -math::exp(x[0]);
  }
};

/// c times the sum of the coordinates: from 0, every central difference is c to rounding, however
/// large or small c is.
struct slope {
  double c;
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    T s = 0;
    for (int i = 0; i < x.size(); ++i) s += x[i];
    return T(c) * s;
  }
};

/// -sin(x0) / x0: NaN at 0 itself, finite at 0 +- h, where the central difference is 0.
struct sinc_well {
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return -math::sin(x[0]) / x[0];
  }
};

/// sqrt(x0): finite at 0, NaN at 0 - h, so the gradient there is NaN.
struct root_edge {
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return math::sqrt(x[0]);
  }
};

/// The common slip: x taken by non-const reference, which the gradient's temporary points cannot bind to.
/// Refused by check_objective's readable message, where it had passed and failed inside the gradient.
struct takes_a_mutable_point {
  template <class P>
  FDGD_HD typename P::value_type operator()(P& x) const {
    return x[0];
  }
};
/// An operator() for the plain point alone (not a template): refused by check_objective's second
/// message, where it had passed the first and failed inside the gradient, on the perturbed points.
struct plain_points_only {
  double operator()(const strided_point<double>& x) const { return x[0] * x[0]; }
};
static_assert(is_objective_for<plain_points_only, strided_point<double>>::value);
static_assert(!is_objective_for<plain_points_only, perturbed_point<strided_point<double>>>::value);
static_assert(is_objective_for<shifted_sphere, perturbed_point<fixed_point<float, 3>>>::value);
static_assert(is_objective_for<shifted_sphere, fixed_point<double, 3>>::value);
static_assert(is_objective_for<shifted_sphere, strided_point<float>>::value);
static_assert(!is_objective_for<takes_a_mutable_point, fixed_point<double, 3>>::value);
static_assert(!is_objective_for<takes_a_mutable_point, strided_point<double>>::value);

class CustomObjective : public testing::TestWithParam<backend_kind> {
 protected:
  void SetUp() override {
#if !defined(__CUDACC__)
    if (GetParam() == backend_kind::cuda) FDGD_SKIP_FOR_NO_DEVICE("this build has no CUDA compiler");
#endif
  }
};

TEST_P(CustomObjective, ReachesItsMinimumOnEveryPath) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  const shifted_sphere f{{1.0, -2.0, 0.5}};
  options o = on(GetParam());
  o.lr = 0.1;
  o.steps = 200;
  const starts s = starts::uniform(3, -5, 5, 1000, 7);
  const result fixed = solve<3>(f, s, o);
  const result dynamic = solve(f, s, o);
  expect_identical(fixed, dynamic);
  EXPECT_EQ(fixed.backend, GetParam() == backend_kind::cuda ? "cuda" : "cpu");
  for (std::int64_t i = 0; i < fixed.count; ++i)
    for (int j = 0; j < 3; ++j) ASSERT_NEAR(fixed.x[std::size_t(i * 3 + j)], f.center[j], 1e-9);
  EXPECT_LT(fixed.f[std::size_t(fixed.best)], 1e-18);
}

TEST_P(CustomObjective, RegisterAndRunTimeDimensionPathsAgreeBitForBit) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.lr = 1e-3;
  o.steps = 25;
  // d = 2 unrolls completely; d = 16 keeps the coordinate loop rolled.
  const starts s2 = starts::uniform(2, -5.12, 5.12, 300, 1);
  expect_identical(solve<2>(functions::rastrigin{}, s2, o), solve(functions::rastrigin{}, s2, o));
  expect_identical(minimize("rastrigin", s2, o), solve(functions::rastrigin{}, s2, o));
  const starts s16 = starts::uniform(16, -2, 2, 300, 2);
  expect_identical(solve<16>(functions::rosenbrock{}, s16, o), solve(functions::rosenbrock{}, s16, o));
  expect_identical(solve<16>(functions::ackley{}, s16, o), solve(functions::ackley{}, s16, o));
}

TEST_P(CustomObjective, GradNormNeitherOverflowsNorUnderflows) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.steps = 0;
  // 37 starts: whole CPU lockstep blocks and a scalar tail. The squares of the first two overflow
  // (1e200^2, and 1e25^2 in f32), of the others underflow: to 0 (1e-200, 1e-25 in f32) or to
  // subnormals that have lost most of their bits (1e-160, 1e-21 in f32).
  const starts at0 = starts::given(std::vector<double>(37 * 3, 0.0), 3);
  for (const precision p : {precision::f64, precision::f32}) {
    o.prec = p;
    const bool f32 = p == precision::f32;
    for (const double c : f32 ? std::vector<double>{1e25, -1e-25, 1e-21, 3.0} : std::vector<double>{1e200, -1e-200, 1e-160, 3.0}) {
      const double want = std::sqrt(3.0) * std::fabs(f32 ? double(float(c)) : c);
      for (const result& r : {solve<3>(slope{c}, at0, o), solve(slope{c}, at0, o)})
        for (std::int64_t i = 0; i < r.count; ++i)
          ASSERT_TRUE(rel_near(r.grad_norm[std::size_t(i)], want, f32 ? 1e-6 : 1e-14)) << "c = " << c << ", start " << i;
    }
  }
}

TEST_P(CustomObjective, NoMinimumIsClaimedWhereFIsNotFinite) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.lr = 0.1;
  o.steps = 1000;
  o.gtol = 1e-8;
  // 0 converges at once, 0.5 near 0 (f about -1); 9 starts fill a CPU lockstep block and leave a tail.
  const starts s = starts::given({0.0, 0.5, 0.0, 0.5, 0.0, 0.5, 0.0, 0.5, 0.0}, 1);
  const result r = solve<1>(sinc_well{}, s, o);
  o.gtol = 0;
  o.steps = 3;
  const result plain = solve<1>(sinc_well{}, s, o);
  for (std::int64_t i = 0; i < r.count; ++i) {
    const auto u = std::size_t(i);
    if (i % 2 == 0) {
      EXPECT_EQ(r.status[u], trajectory_status::nonfinite) << "start " << i;
      EXPECT_EQ(r.steps[u], 0) << "start " << i;
      EXPECT_TRUE(std::isnan(r.f[u])) << "start " << i;
      EXPECT_EQ(plain.status[u], trajectory_status::nonfinite) << "start " << i << ", 3 steps without gtol";
      EXPECT_EQ(plain.steps[u], 3) << "start " << i;
    } else {
      EXPECT_EQ(r.status[u], trajectory_status::converged) << "start " << i;
      EXPECT_TRUE(rel_near(r.f[u], -1.0, 1e-12)) << "start " << i;
      EXPECT_EQ(plain.status[u], trajectory_status::finished) << "start " << i;
    }
  }
  EXPECT_EQ(r.nonfinite, 5);
  EXPECT_EQ(r.converged, 4);
  EXPECT_EQ(r.best, 1);
}

TEST_P(CustomObjective, NoMinimumIsClaimedWhereTheGradientIsNotFinite) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.steps = 0;  // f and |grad| at the starts
  const starts s = starts::given({0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0}, 1);
  const result r = solve<1>(root_edge{}, s, o);
  for (std::int64_t i = 0; i < r.count; ++i) {
    const auto u = std::size_t(i);
    EXPECT_TRUE(std::isfinite(r.f[u])) << "start " << i;
    if (i % 2 == 0) {
      EXPECT_TRUE(std::isnan(r.grad_norm[u])) << "start " << i;
      EXPECT_EQ(r.status[u], trajectory_status::nonfinite) << "start " << i;
    } else {
      EXPECT_EQ(r.status[u], trajectory_status::finished) << "start " << i;
    }
  }
  // A step from 0 leaves x's finite values: the same status, at the same point.
  o.steps = 1;
  const result stepped = solve<1>(root_edge{}, s, o);
  EXPECT_EQ(stepped.status[0], trajectory_status::nonfinite);
  EXPECT_EQ(stepped.x[0], 0.0);
}

TEST_P(CustomObjective, WrongCompileTimeDimensionIsNamed) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  using run_t = void (*)(const starts&, const options&);
  const std::pair<run_t, std::string> runs[] = {{[](const starts& s, const options& o) {
                                                   solve<4>(shifted_sphere{{0, 0, 0}}, s, o);
                                                 },
                                                 "compiled for dim = 4"},
                                                {[](const starts& s, const options& o) {
                                                   solve<4096>(shifted_sphere{{0, 0, 0}}, s, o);
                                                 },
                                                 "compiled for dim = 4096"}};
  for (const auto& [run, message] : runs) try {
      run(starts::uniform(3, -1, 1, 10), on(GetParam()));
      ADD_FAILURE() << "expected std::invalid_argument: " << message;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()), "fdgd: invalid starts: dim = 3 but the objective was " + message);
    }
}

/// x_0^2 + ... + x_{d-1}^2, declared lane-safe: on the CPU, a point for each SIMD lane.
struct lane_safe_bowl {
  static constexpr bool lane_safe = true;
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    typename P::value_type s = x[0] * x[0];
    for (int i = 1; i < x.size(); ++i) s += x[i] * x[i];
    return s;
  }
};

TEST_P(CustomObjective, ACompileTimeDimensionAboveTheLargestRunsOnTheRunTimePath) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  // At D = 8192 the lanes' points overflowed a thread's stack (SIGSEGV). (That the run-time path has
  // the compiled paths' bits, RegisterAndRunTimeDimensionPathsAgreeBitForBit checks.)
  static_assert(8192 > max_compiled_dim);
  options o = on(GetParam());
  o.steps = 3;
  const starts s = starts::uniform(8192, -1, 1, 20, 5);
  expect_identical(solve<8192>(lane_safe_bowl{}, s, o), solve(lane_safe_bowl{}, s, o));
}

/// Optional declarations in other shapes the library takes (check_declarations refuses others): an
/// enumerator, a static const, a base's member, 0 for "none", another integer type.
struct enum_declared_bowl {
  enum { fixed_dim = 2 };
  static const int min_dim = 0;
  static constexpr bool lane_safe = false;
  static constexpr int cpu_block_bytes = 0;
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return x[0] * x[0] + x[1] * x[1];
  }
};
struct least_two {
  static constexpr int min_dim = 2;
};
struct inherited_terms_bowl : least_two {
  static constexpr std::size_t term_reach = 0;
  FDGD_HD static constexpr int term_count(std::size_t d) { return int(d); }
  template <class P>
  FDGD_HD typename P::value_type term(const P& x, int j) const {
    return x[j] * x[j];
  }
  template <class A>
  FDGD_HD A finish(const A& s, int) const {
    return s;
  }
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
    return sum_of_terms(*this, x);
  }
};

TEST_P(CustomObjective, DeclarationsOfOtherShapesThatSayTheSameAreTaken) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  const options o = on(GetParam());
  const starts s = starts::uniform(2, -1, 1, 50, 3);
  expect_identical(solve(enum_declared_bowl{}, s, o), solve(lane_safe_bowl{}, s, o));
  expect_identical(solve(inherited_terms_bowl{}, s, o), solve(lane_safe_bowl{}, s, o));
  EXPECT_THROW(solve(enum_declared_bowl{}, starts::uniform(3, -1, 1, 5), o), std::invalid_argument) << "its fixed_dim, 2";
  EXPECT_THROW(solve(inherited_terms_bowl{}, starts::uniform(1, -1, 1, 5), o), std::invalid_argument) << "its base's min_dim, 2";
}

TEST_P(CustomObjective, AMovedFromBatchIsRefusedByName) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  starts s = starts::given({1, 2, 3, 4}, 2);
  const starts taken = std::move(s);
  EXPECT_EQ(taken.count(), 2);
  EXPECT_EQ(s.count(), 0);  // NOLINT(bugprone-use-after-move): what is left of it is the point
  EXPECT_EQ(s.dim(), 0);
  EXPECT_THROW(s.coordinate(0, 0), std::out_of_range);
  const options o = on(GetParam());
  for (auto run : {+[](const starts&b, const options&p) { solve(lane_safe_bowl{}, b, p); },
                   +[](const starts&b, const options&p) { solve<2>(lane_safe_bowl{}, b, p); },
                   +[](const starts&b, const options&p) { solve<8192>(lane_safe_bowl{}, b, p); },
                   +[](const starts&b, const options&p) { minimize("sphere", b, p); }})
    try {
      run(s, o);
      ADD_FAILURE() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("invalid starts: none (an empty batch: one moved from)"), std::string::npos) << e.what();
    }
}

TEST_P(CustomObjective, OverflowAfterSomeStepsKeepsTheLastFinitePoint) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.lr = 0.5;
  o.steps = 1000;
  const result grown = solve<1>(runaway{}, starts::given({0.0, -1.0}, 1), o);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(grown.status[std::size_t(i)], trajectory_status::nonfinite) << i;
    EXPECT_GT(grown.steps[std::size_t(i)], 2) << i;
    EXPECT_LT(grown.steps[std::size_t(i)], 1000) << i;
    EXPECT_TRUE(std::isfinite(grown.x[std::size_t(i)])) << i;
    EXPECT_GT(grown.x[std::size_t(i)], 10) << i;
  }
  EXPECT_EQ(grown.nonfinite, 2);
  EXPECT_EQ(grown.best, -1);  // only nonfinite trajectories: no best
  // Exactly the steps it took: the same point, where f = -exp(x) has overflowed (x beyond 709.78),
  // so it still ends nonfinite, with every step done.
  o.steps = grown.steps[0];
  const result upto = solve<1>(runaway{}, starts::given({0.0}, 1), o);
  EXPECT_EQ(upto.x[0], grown.x[0]);
  EXPECT_EQ(upto.steps[0], grown.steps[0]);
  EXPECT_GT(upto.x[0], 709.79);
  EXPECT_EQ(upto.f[0], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(upto.status[0], trajectory_status::nonfinite);
  // One step fewer: f finite, finished.
  o.steps = grown.steps[0] - 1;
  const result before = solve<1>(runaway{}, starts::given({0.0}, 1), o);
  EXPECT_TRUE(std::isfinite(before.f[0])) << before.x[0];
  EXPECT_EQ(before.status[0], trajectory_status::finished);
}

INSTANTIATE_TEST_SUITE_P(Backends, CustomObjective, testing::Values(backend_kind::cpu, backend_kind::cuda), backend_name);

TEST(CustomObjective, EachCompilerKeepsItsOwnBuildOfTheBackend) {
  // nvcc's solve can take CUDA and its CPU backend has no SIMD lanes: different code from the host
  // compiler's for the same objective, which the linker must not merge into one.
  const solve_rastrigin here = &solve<dynamic_dim, functions::rastrigin>;
  const solve_rastrigin here_cpu = &solve_cpu<double, dynamic_dim, functions::rastrigin>;
#if defined(__CUDACC__)
  EXPECT_NE(here, host_compiled_solve());
  EXPECT_NE(here_cpu, host_compiled_solve_cpu());
#else
  EXPECT_EQ(here, host_compiled_solve()) << "one compiler: one build";
  EXPECT_EQ(here_cpu, host_compiled_solve_cpu());
#endif
}

#if defined(__CUDACC__)
/// Faults on the device (a trap, as an illegal address or a watchdog timeout would); fine on the host.
struct faults_on_the_device {
  template <class P>
  FDGD_HD typename P::value_type operator()(const P& x) const {
#if defined(__CUDA_ARCH__)
    __trap();
#endif
    return x[0] * x[0];
  }
};

TEST(CustomObjectiveCuda, AFaultingKernelIsACudaErrorNotACrash) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  // A fault leaves the process's CUDA context unusable, so it happens in a child process of its own.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        options o = on(backend_kind::cuda);
        try {
          solve<1>(faults_on_the_device{}, starts::given({1.0, 2.0}, 1), o);
        } catch (const cuda_error& e) {
          std::fprintf(stderr, "caught: %s\n", e.what());
          std::string why;  // and the device, unusable now, says why
          const bool usable = cuda_device_available(0, &why);
          std::fprintf(stderr, "then: %s\n", why.c_str());
          std::exit(std::string(e.what()).find("fdgd: CUDA call") == 0 && !usable ? 0 : 3);
        }
        std::exit(4);
      },
      testing::ExitedWithCode(0), "caught: fdgd: CUDA call.*then: .*an earlier kernel in this process faulted");
}

TEST(CustomObjectiveCuda, AnErrorTheCallerLeftUnreadIsNotTakenForALaunchFailure) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  // The caller's own failed allocation, never read back: its error waits in cudaGetLastError, where
  // each launch reports its own.
  void* p = nullptr;
  const cudaError_t failed = cudaMalloc(&p, std::size_t(1) << 50);  // a petabyte: more than any GPU holds
  ASSERT_NE(failed, cudaSuccess);
  ASSERT_EQ(cudaPeekAtLastError(), failed);
  result r;
  ASSERT_NO_THROW(r = solve<2>(functions::sphere{}, starts::given({-3.0, 4.0}, 2), on(backend_kind::cuda)));
  EXPECT_NEAR(r.x[0], -3 * std::pow(0.98, 100), 1e-9) << "the run went on to its 100 steps";
  EXPECT_EQ(cudaPeekAtLastError(), cudaSuccess);
}

// The layout the device writes for the result, read here on the host: a chunk of 5 float
// trajectories of d = 3 (structure-of-arrays), rows 1..3 of it.
TEST(CustomObjectiveCuda, ResultRowsAreTheResultsLayout) {
  const int d = 3;
  const std::int64_t n = 5, first = 1, rows = 3;
  const auto un = static_cast<std::size_t>(n);
  std::vector<float> x(un * d), f(un), gn(un);
  for (std::int64_t i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) x[std::size_t(j * n + i)] = float(10 * i + j) + 0.25f;
    f[std::size_t(i)] = float(i) - 0.5f;
    gn[std::size_t(i)] = float(i) * 2;
  }
  gn[2] = -std::numeric_limits<float>::quiet_NaN();
  const detail::device_batch_view<float> v{x.data(), nullptr, f.data(), gn.data(), nullptr, nullptr, n, d};
  std::vector<double> out;
  for (std::int64_t k = 0; k < rows * (d + 2); ++k) out.push_back(detail::result_row_value(v, first, rows, k));
  const std::vector<double> want = {10.25, 11.25, 12.25, 20.25, 21.25, 22.25, 30.25, 31.25, 32.25,  // x, row-major
                                    0.5,   1.5,   2.5,                                              // f
                                    2.0,   0.0,   6.0};                                             // grad_norm
  ASSERT_EQ(out.size(), want.size());
  for (std::size_t k = 0; k < out.size(); ++k)
    if (k != 13) EXPECT_EQ(out[k], want[k]) << "value " << k;
  EXPECT_EQ(bits_of(out[13]), 0x7ff8000000000000ull) << "a NaN of either sign becomes the canonical one";
}
#else
TEST(CustomObjectivePlainCxx, CudaBackendNeedsNvcc) {
  options o;
  o.backend = backend_kind::cuda;
  EXPECT_THROW(solve(shifted_sphere{{0, 0, 0}}, starts::uniform(3, -1, 1, 10), o), error);
}
#endif

}  // namespace
}  // namespace fdgd::test
