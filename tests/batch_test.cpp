// The batch and the host loop: independence of trajectories, launch granularity, chunking, starts,
// statuses, edge sizes, and CUDA against the CPU.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <thread>
#if defined(_OPENMP)
#include <omp.h>
#include <pthread.h>
#endif
#if defined(FDGD_HAS_CUDA)
#include <cuda.h>
#include <cuda_runtime_api.h>
#endif

#include "fdgd/solve.hpp"

#include "test_support.hpp"

namespace fdgd::test {
namespace {

class Batch : public testing::TestWithParam<backend_kind> {};

/// 16 MB of table in the objective itself: more than a thread's stack (8 MB), where the CPU backend
/// once kept its copy of the objective, and crashed. (On a GPU an objective is a kernel parameter, 32 KB
/// at most: this one is for the CPU alone, in a file the host compiler builds.)
struct table_objective {
  std::array<double, 2'000'000> table{};
  template <class P>
  typename P::value_type operator()(const P& x) const {
    using T = typename P::value_type;
    T s = 0;
    for (int i = 0; i < x.size(); ++i) s += (x[i] - T(table[std::size_t(i)])) * (x[i] - T(table[std::size_t(i)]));
    return s;
  }
};

TEST(Batch, AnObjectiveLargerThanTheThreadsStackRunsOnTheCpu) {
  static table_objective f;  // (not on a stack either)
  static result r;
  f.table[0] = 1, f.table[1] = -2;
  // Called from a thread of 8 MB of stack, whatever `ulimit -s` says (unlimited, the main thread's
  // stack would grow to hold a copy).
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, std::size_t(8) << 20), 0);
  pthread_t caller;
  const auto run = [](void*) -> void* {
    options o;
    o.backend = backend_kind::cpu, o.steps = 2000, o.lr = 0.1;
    r = solve(f, starts::uniform(2, -3, 3, 100), o);
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&caller, &attr, run, nullptr), 0);
  ASSERT_EQ(pthread_join(caller, nullptr), 0);
  pthread_attr_destroy(&attr);
  EXPECT_NEAR(r.x[0], 1, 1e-9);
  EXPECT_NEAR(r.x[1], -2, 1e-9);
}

TEST_P(Batch, BatchGivesWhatEachStartGivesAlone) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  const std::vector<double> points = {-3, 4, 1, 2, 0.5, -4.5, 2.2, 2.2, -1, -1};
  options o = on(GetParam());
  o.steps = 50;
  const result all = minimize("himmelblau", starts::given(points, 2), o);
  for (std::int64_t i = 0; i < all.count; ++i) {
    const result one = minimize("himmelblau", starts::given({points[2 * i], points[2 * i + 1]}, 2), o);
    EXPECT_EQ(one.x[0], all.x[2 * i]) << "start " << i;
    EXPECT_EQ(one.x[1], all.x[2 * i + 1]) << "start " << i;
    EXPECT_EQ(one.f[0], all.f[i]) << "start " << i;
  }
}

/// Runs each start of `s` alone through run(starts, options) and checks that the batch run `all`
/// gave each the same bits.
template <class Run>
void expect_each_alone_matches_run(const Run& run, const starts& s, const options& o, const result& all) {
  for (std::int64_t i = 0; i < s.count(); ++i) {
    std::vector<double> point;
    for (int j = 0; j < s.dim(); ++j) point.push_back(s.coordinate(i, j));
    const result one = run(starts::given(point, s.dim()), o);
    for (int j = 0; j < s.dim(); ++j) ASSERT_EQ(one.x[std::size_t(j)], all.x[std::size_t(i * s.dim() + j)]) << "start " << i;
    ASSERT_TRUE(same_bits(one.f[0], all.f[std::size_t(i)])) << "start " << i;
    ASSERT_TRUE(same_bits(one.grad_norm[0], all.grad_norm[std::size_t(i)])) << "start " << i;
    ASSERT_EQ(one.steps[0], all.steps[std::size_t(i)]) << "start " << i;
    ASSERT_EQ(one.status[0], all.status[std::size_t(i)]) << "start " << i;
  }
}

void expect_each_alone_matches(const char* name, const starts& s, const options& o, const result& all) {
  expect_each_alone_matches_run([&](const starts& one, const options& oo) { return minimize(name, one, oo); }, s, o, all);
}

TEST_P(Batch, LargeBatchesGiveWhatEachStartGivesAlone) {
  // 100 starts: on the CPU, full SIMD lockstep groups plus a scalar tail; alone, each runs scalar.
  // d = 5, 7 and 33 take the run-time-dimension path, whose lockstep points live in buffers.
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  const std::pair<const char*, int> problems[] = {{"sphere", 2}, {"rastrigin", 8},  {"ackley", 3},         {"rosenbrock", 16},
                                                  {"levy", 4},   {"griewank", 32},  {"six_hump_camel", 2}, {"rastrigin", 5},
                                                  {"levy", 7},   {"rosenbrock", 33}};
  for (const auto& [name, dim] : problems) {
    SCOPED_TRACE(std::string(name) + " d = " + std::to_string(dim));
    const auto box = find_builtin(name).box(dim);
    const starts s = starts::uniform(box.lo, box.hi, 100, 21);
    options o = on(GetParam());
    o.lr = 1e-3;
    o.steps = 30;
    for (precision p : {precision::f64, precision::f32}) {
      o.prec = p;
      expect_each_alone_matches(name, s, o, minimize(name, s, o));
    }
  }
}

TEST(Batch, ExpressionBatchesGiveWhatEachStartGivesAlone) {
  // --expr on the CPU advances blocks of 64 doubles (128 floats) in lockstep; 300 starts give full
  // blocks and a tail. d = 8 holds the points in registers, d = 5 in buffers (run-time dimension).
  const std::string rastrigin = "10*d + sum(i=0..d-1, x[i]^2 - 10*cos(2*pi*x[i]))";
  for (int dim : {8, 5}) {
    const starts s = starts::uniform(dim, -5.12, 5.12, 300, 9);
    options o = on(backend_kind::cpu);
    o.lr = 1e-3;
    o.steps = 20;
    for (precision p : {precision::f64, precision::f32}) {
      SCOPED_TRACE("d = " + std::to_string(dim) + (p == precision::f32 ? " f32" : " f64"));
      o.prec = p;
      const auto run = [&](const starts& one, const options& oo) { return minimize_expression(rastrigin, one, oo); };
      expect_each_alone_matches_run(run, s, o, run(s, o));
    }
  }
}

TEST_P(Batch, TrajectoriesStoppingMidBlockGiveWhatTheyGiveAlone) {
  // Convergence at different steps, and overflow, inside SIMD groups: the lanes that stop go to the
  // scalar step, the others go on in lanes, and every trajectory still gets its own bits.
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.lr = 0.1;
  o.gtol = 1e-6;
  o.steps = 200;
  const starts spread = starts::uniform(2, -100, 100, 100, 4);
  expect_each_alone_matches("sphere", spread, o, minimize("sphere", spread, o));
  const starts spread5 = starts::uniform(5, -100, 100, 100, 4);  // the run-time-dimension path
  expect_each_alone_matches("sphere", spread5, o, minimize("sphere", spread5, o));

  std::vector<double> points;
  for (int i = 0; i < 100; ++i) {
    points.push_back(i % 13 == 5 ? 1e200 : std::cos(i) * 3);
    points.push_back(std::sin(i) * 3);
  }
  o.gtol = 0;
  const starts mixed = starts::given(points, 2);
  const result r = minimize("sphere", mixed, o);
  EXPECT_EQ(r.nonfinite, 8);
  expect_each_alone_matches("sphere", mixed, o, r);
}

TEST_P(Batch, EveryLaunchGranularityGivesTheSameBits) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  // d = 2 and 3 unroll fully, d = 16 keeps the coordinate loop rolled, d = 5 takes the run-time path.
  const std::pair<const char*, int> problems[] = {{"sphere", 2}, {"ackley", 3}, {"rosenbrock", 16}, {"rastrigin", 5}};
  for (const auto& [name, dim] : problems) {
    SCOPED_TRACE(std::string(name) + " d = " + std::to_string(dim));
    const auto box = find_builtin(name).box(dim);
    const starts s = starts::uniform(box.lo, box.hi, 300, 11);
    options o = on(GetParam());
    o.lr = 1e-3;
    o.steps = 20;
    const result fused = minimize(name, s, o);
    for (std::int64_t k : {1, 3, 19, 20, 1000}) {
      o.steps_per_launch = k;
      expect_identical(minimize(name, s, o), fused);
    }
  }
}

TEST_P(Batch, ChunkedEqualsOneChunk) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  std::vector<double> points;
  for (int i = 0; i < 101 * 3; ++i) points.push_back(std::sin(i * 0.7) * 4);
  for (const starts& s : {starts::uniform(3, -5.12, 5.12, 1001, 5), starts::given(points, 3)}) {
    options o = on(GetParam());
    o.steps = 30;
    const result whole = minimize("rastrigin", s, o);
    EXPECT_GT(whole.descent_seconds, 0.0);
    EXPECT_LE(whole.descent_seconds, whole.seconds) << "the descent is part of the run";
    for (std::int64_t chunk : {1, 7, 256}) {
      o.chunk_size = chunk;
      const result chunked = minimize("rastrigin", s, o);
      expect_identical(chunked, whole);
      EXPECT_LE(chunked.descent_seconds, chunked.seconds) << "every chunk's descent counted once";
    }
  }
}

TEST_P(Batch, GeneratedStartsAreTheCounterBasedPointsInTheBox) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  const starts s = starts::uniform({-1.0, 10.0, -600.0}, {1.0, 20.0, 600.0}, 5000, 123);
  options o = on(GetParam());
  o.steps = 0;
  const result r = minimize("griewank", s, o);
  double lo[3] = {1e9, 1e9, 1e9}, hi[3] = {-1e9, -1e9, -1e9};
  for (std::int64_t i = 0; i < r.count; ++i) {
    for (int j = 0; j < 3; ++j) {
      const double v = r.x[std::size_t(i * 3 + j)];
      ASSERT_EQ(v, s.coordinate(i, j));
      lo[j] = std::min(lo[j], v);
      hi[j] = std::max(hi[j], v);
    }
    ASSERT_EQ(r.status[std::size_t(i)], trajectory_status::finished);
    ASSERT_EQ(r.steps[std::size_t(i)], 0);
  }
  // Inside the box and spread across it.
  EXPECT_GE(lo[0], -1.0);
  EXPECT_LE(hi[0], 1.0);
  EXPECT_LT(lo[0], -0.99);
  EXPECT_GT(hi[0], 0.99);
  EXPECT_GE(lo[1], 10.0);
  EXPECT_LE(hi[2], 600.0);
  // A different seed gives different points; the same seed and index give the same point anywhere.
  const starts other = starts::uniform({-1.0, 10.0, -600.0}, {1.0, 20.0, 600.0}, 5000, 124);
  EXPECT_NE(other.coordinate(17, 1), s.coordinate(17, 1));
  const starts bigger = starts::uniform({-1.0, 10.0, -600.0}, {1.0, 20.0, 600.0}, 1'000'000, 123);
  EXPECT_EQ(bigger.coordinate(4999, 2), s.coordinate(4999, 2));
}

TEST_P(Batch, NonfiniteTrajectoriesAreFlaggedKeepTheirLastFinitePointAndDoNotChangeTheBest) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  // Starts 1 and 3 overflow on their first step (f = inf on both sides, so the difference is NaN).
  // The others descend normally.
  const std::vector<double> points = {0.5, -0.25, 1e200, 1.0, 0.1, 0.2, 1e154, 1e154, -3, 4};
  options o = on(GetParam());
  o.lr = 0.1;
  const result r = minimize("sphere", starts::given(points, 2), o);
  EXPECT_EQ(r.status[1], trajectory_status::nonfinite);
  EXPECT_EQ(r.steps[1], 0);
  EXPECT_EQ(r.x[2], 1e200);
  EXPECT_EQ(r.x[3], 1.0);
  EXPECT_EQ(r.status[3], trajectory_status::nonfinite);
  for (int i : {0, 2, 4}) EXPECT_EQ(r.status[std::size_t(i)], trajectory_status::finished) << i;
  EXPECT_EQ(r.nonfinite, 2);
  EXPECT_EQ(r.finished, 3);
  // Their gradient is inf - inf, a NaN whose sign is the hardware's (x86 sets it, NVIDIA GPUs do
  // not): every backend writes the one positive quiet NaN.
  for (int i : {1, 3}) EXPECT_EQ(bits_of(r.grad_norm[std::size_t(i)]), 0x7ff8000000000000ull) << i;

  const result clean = minimize("sphere", starts::given({0.5, -0.25, 0.1, 0.2, -3, 4}, 2), o);
  EXPECT_EQ(r.f[std::size_t(r.best)], clean.f[std::size_t(clean.best)]);
  EXPECT_EQ(r.x[0], clean.x[0]);  // neighbours untouched
  EXPECT_EQ(r.x[8], clean.x[4]);

  // A run where every trajectory blows up has no best.
  const result none = minimize("sphere", starts::given({1e200, 1e200}, 2), o);
  EXPECT_EQ(none.best, -1);
}

TEST_P(Batch, LargeFiniteTrajectoriesAreKeptAsComputed) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.lr = 10;  // diverges to ~1e13 within 100 steps, all finite: no clipping
  const result r = minimize("sphere", starts::given({-3, 4}, 2), o);
  EXPECT_EQ(r.steps[0], 100);
  EXPECT_GT(std::fabs(r.x[0]), 1e12);
  // There x0 +- h are one number: the status says the differences no longer see f.
  EXPECT_EQ(r.status[0], trajectory_status::unresolved);
  EXPECT_EQ(r.unresolved, 1);
  // Further in, a point where they still differ ends finished.
  o.lr = 1.5;
  o.steps = 10;
  const result near = minimize("sphere", starts::given({-3, 4}, 2), o);
  EXPECT_EQ(near.status[0], trajectory_status::finished);
  EXPECT_GT(std::fabs(near.x[0]), 1e3);
  // Where f itself overflows as well, the difference of its two equal evaluations is inf - inf, NaN:
  // the step is refused (nonfinite, x kept); with no step, the point is unresolved (docs/guarantees.md).
  o.steps = 5;
  const result far = minimize("sphere", starts::given({1e200, 1e200}, 2), o);
  EXPECT_EQ(far.status[0], trajectory_status::nonfinite);
  EXPECT_EQ(far.steps[0], 0);
  EXPECT_EQ(far.x[0], 1e200);
  o.steps = 0;
  EXPECT_EQ(minimize("sphere", starts::given({1e200, 1e200}, 2), o).status[0], trajectory_status::unresolved);
}

TEST_P(Batch, GradientToleranceStopsTrajectoriesEarly) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.lr = 0.1;
  o.steps = 1000;
  o.gtol = 1e-6;
  o.steps_per_launch = 1;
  const result r = minimize("sphere", starts::uniform(4, -5, 5, 500, 3), o);
  EXPECT_EQ(r.converged, 500);
  for (std::int64_t i = 0; i < r.count; ++i) {
    ASSERT_LT(r.steps[std::size_t(i)], 100);
    ASSERT_LE(r.grad_norm[std::size_t(i)], 1e-6);
  }
  o.steps_per_launch = 0;
  expect_identical(minimize("sphere", starts::uniform(4, -5, 5, 500, 3), o), r);
}

TEST_P(Batch, NoConvergenceWhereTheDifferenceCannotSeeF) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.gtol = 1e-8;
  o.steps = std::int64_t(1) << 62;  // "until gtol": a trajectory that can never converge must still stop
  // lr 1.5 on sphere doubles |x| a step: far out, x +- h round to x and the gradient is exactly 0.
  // 128 starts: whole lockstep blocks on the CPU, whose lanes hand such steps to the scalar descent.
  o.lr = 1.5;
  const result diverged = minimize("sphere", starts::uniform(3, -1, 1, 128, 4), o);
  EXPECT_EQ(diverged.converged, 0);
  EXPECT_EQ(diverged.unresolved, 128) << "stalled where x +- h coincide";
  EXPECT_LT(diverged.steps[0], 200);
  EXPECT_GT(std::fabs(diverged.x[0]), 1e12);
  EXPECT_EQ(diverged.grad_norm[0], 0) << "the situation this test is about";
  // The same steps, bounded, and no gtol: the same point, now after every step.
  options bounded = o;
  bounded.steps = 300;
  bounded.gtol = 0;
  const result all_steps = minimize("sphere", starts::uniform(3, -1, 1, 128, 4), bounded);
  EXPECT_EQ(all_steps.unresolved, 128);
  EXPECT_EQ(all_steps.x, diverged.x);
  // An h that no coordinate near 1 can resolve: nothing moves, nothing converges.
  o.lr = 0.01;
  o.h = 1e-200;
  const result frozen = minimize("sphere", starts::given({1, 2, 0.5, -3}, 2), o);
  EXPECT_EQ(frozen.unresolved, 2);
  EXPECT_EQ(frozen.steps[0], 0);
  EXPECT_EQ(frozen.x, (std::vector<double>{1, 2, 0.5, -3}));
  // An lr far below x's spacing: every step would leave x as it is.
  o.h = 1e-4;
  o.lr = 1e-30;
  const result still = minimize("sphere", starts::given({1, 2}, 2), o);
  EXPECT_EQ(still.stalled, 1);
  EXPECT_EQ(still.steps[0], 0);
  o.lr = 0.01;
  o.h = 1e-200;
  // Where x +- h do differ, a zero gradient converges as before: sphere from its minimum.
  const result at_minimum = minimize("sphere", starts::given({0, 0}, 2), o);
  EXPECT_EQ(at_minimum.converged, 1);
  EXPECT_EQ(at_minimum.steps[0], 0);
}

TEST_P(Batch, EdgeSizes) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.lr = 0.1;
  // N = 1, d = 1 (run-time dimension path).
  const result one = minimize("sphere", starts::given({2.0}, 1), o);
  EXPECT_NEAR(one.x[0], 0.0, 1e-9);
  // N not a multiple of the block size.
  const result odd = minimize("booth", starts::uniform(2, -10, 10, 257, 1), on(GetParam()));
  EXPECT_EQ(odd.count, 257);
  EXPECT_EQ(odd.finished, 257);
  // d = 1000, a few steps: every coordinate shrinks by (1 - 2 lr) per step.
  options big = on(GetParam());
  big.lr = 0.1;
  big.steps = 3;
  const result wide = minimize("sphere", starts::uniform(1000, 1, 2, 4, 9), big);
  const starts s = starts::uniform(1000, 1, 2, 4, 9);
  for (int j = 0; j < 1000; j += 111)
    EXPECT_TRUE(rel_near(wide.x[std::size_t(j)], s.coordinate(0, j) * 0.8 * 0.8 * 0.8, 1e-9)) << j;
}

TEST_P(Batch, ProgressIsReportedAfterEveryLaunchAcrossChunks) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.steps = 10;
  o.steps_per_launch = 3;  // launches of 3, 3, 3, 1 steps
  o.chunk_size = 40;       // 100 starts: chunks of 40, 40, 20
  std::vector<progress> seen;
  o.on_progress = [&seen](const progress& p) { seen.push_back(p); };
  const result r = minimize("sphere", starts::uniform(2, -1, 1, 100, 1), o);
  ASSERT_EQ(seen.size(), 12u);
  for (std::size_t k = 0; k < seen.size(); ++k) {
    EXPECT_EQ(seen[k].steps_total, 30);
    if (k) {
      EXPECT_GT(seen[k].steps_done, seen[k - 1].steps_done);
    }
  }
  EXPECT_EQ(seen[0].steps_done, 3);
  EXPECT_EQ(seen[0].live, 40);
  EXPECT_EQ(seen[0].waiting, 60);
  EXPECT_EQ(seen[4].steps_done, 13) << "the second chunk's first launch";
  EXPECT_EQ(seen[4].waiting, 20);
  EXPECT_EQ(seen.back().steps_done, 30);
  EXPECT_EQ(seen.back().live, 0);
  EXPECT_EQ(seen.back().waiting, 0);
  o.on_progress = nullptr;
  expect_identical(minimize("sphere", starts::uniform(2, -1, 1, 100, 1), o), r);
}

TEST_P(Batch, AnExceptionFromOnProgressStopsTheRunAndReachesTheCaller) {
  // The way to stop a long run early: no further launch, and the next run as if none had been stopped.
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  struct stop_requested {};
  options o = on(GetParam());
  o.steps = 1'000'000'000;  // hours, were it not stopped
  o.steps_per_launch = 10;
  int launches = 0;
  o.on_progress = [&launches](const progress& p) {
    if (++launches == 3) throw stop_requested{};
    EXPECT_EQ(p.steps_done, 10 * launches);
  };
  EXPECT_THROW(minimize("rastrigin", starts::uniform(8, -5, 5, 5000, 1), o), stop_requested);
  EXPECT_EQ(launches, 3);
  launches = 0;
  EXPECT_THROW(minimize_expression("x0^2 + x1^2", starts::uniform(2, -5, 5, 5000, 1), o), stop_requested);
  EXPECT_EQ(launches, 3);
  o.on_progress = nullptr;
  o.steps = 30;
  const result after = minimize("rastrigin", starts::uniform(8, -5, 5, 5000, 1), o);
  o.steps_per_launch = 0;
  expect_identical(after, minimize("rastrigin", starts::uniform(8, -5, 5, 5000, 1), o));
}

TEST_P(Batch, StalledAndMovingTrajectoriesInOneBlockGiveWhatTheyGiveAlone) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.lr = 0.1;
  o.gtol = 1e-8;
  o.steps = 1000;
  // Every fifth start at 1e13, where x +- h coincide: it stalls at once (and ends unresolved); the others converge. 64
  // starts fill whole lockstep blocks on the CPU, whose lanes hand the first such step to descend.
  std::vector<double> points;
  for (int i = 0; i < 64; ++i) {
    points.push_back(i % 5 == 0 ? 1e13 : 0.01 * (i + 1));
    points.push_back(-0.5 + 0.01 * i);
  }
  const starts s = starts::given(points, 2);
  const result all = minimize("sphere", s, o);
  EXPECT_EQ(all.unresolved, 13);
  EXPECT_EQ(all.converged, 51);
  expect_each_alone_matches("sphere", s, o, all);
}

TEST_P(Batch, TrajectoriesStoppingAtDifferentStepsInOneBlockGiveWhatTheyGiveAlone) {
  // On the CPU a lockstep block hands the step on which some lane stops to descend and goes on with
  // the lanes still running; stopped lanes compute a running one's copy. Starts at distances from
  // 1e-3 to 1e3 converge at different steps; among them some overflow (nonfinite at once) and some
  // sit where x +- h coincide (stalled, then unresolved). d = 2 holds the lanes in registers,
  // d = 5 in buffers; --expr's blocks are 64 lanes wide.
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.lr = 0.1;
  o.gtol = 1e-6;
  o.steps = 1000;
  for (const int dim : {2, 5}) {
    SCOPED_TRACE("d = " + std::to_string(dim));
    std::vector<double> points;
    for (int i = 0; i < 160; ++i)
      for (int j = 0; j < dim; ++j)
        points.push_back(i % 11 == 3 ? 1e200 : i % 13 == 5 ? 1e13 : std::pow(10.0, i % 7 - 3) * (j + 1) * (i % 2 ? 1 : -1));
    const starts s = starts::given(points, dim);
    const result all = minimize("sphere", s, o);
    EXPECT_EQ(all.nonfinite, 15);
    EXPECT_EQ(all.unresolved, 11);
    EXPECT_EQ(all.converged, 134);
    std::set<std::int64_t> steps_to_converge;
    for (std::int64_t i = 0; i < all.count; ++i)
      if (all.status[std::size_t(i)] == trajectory_status::converged) steps_to_converge.insert(all.steps[std::size_t(i)]);
    EXPECT_GE(steps_to_converge.size(), 7u) << "the lanes of a block stop at different steps";
    expect_each_alone_matches("sphere", s, o, all);
    if (GetParam() == backend_kind::cpu) {
      const auto run = [](const starts& one, const options& oo) { return minimize_expression("sum(i=0..d-1, x[i]^2)", one, oo); };
      expect_each_alone_matches_run(run, s, o, run(s, o));
    }
  }
}

TEST_P(Batch, ProgressCountsStopAtTheLargestIntegerInsteadOfOverflowing) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.steps = std::int64_t(1) << 62;  // "until gtol", over 3 chunks: 3 x 2^62 does not fit in an int64
  o.gtol = 1e-3;
  o.lr = 0.25;
  o.chunk_size = 2;
  std::vector<progress> seen;
  o.on_progress = [&seen](const progress& p) { seen.push_back(p); };
  const result r = minimize("sphere", starts::uniform(2, -1, 1, 6, 1), o);
  EXPECT_EQ(r.converged, 6);
  ASSERT_EQ(seen.size(), 3u);
  for (const auto& p : seen) EXPECT_EQ(p.steps_total, std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(seen[0].steps_done, o.steps);
  EXPECT_EQ(seen[1].steps_done, std::numeric_limits<std::int64_t>::max()) << "2 x 2^62 is one more than fits";
  EXPECT_EQ(seen[2].steps_done, std::numeric_limits<std::int64_t>::max());
}

TEST_P(Batch, StepsZeroEvaluatesTheStarts) {
  FDGD_SKIP_WITHOUT_BACKEND(GetParam());
  options o = on(GetParam());
  o.steps = 0;
  const result r = minimize("sphere", starts::given({-3, 4}, 2), o);
  EXPECT_EQ(r.x[0], -3);
  EXPECT_EQ(r.f[0], 25);
  EXPECT_TRUE(rel_near(r.grad_norm[0], 10, 1e-9));
  EXPECT_EQ(r.status[0], trajectory_status::finished);
}

INSTANTIATE_TEST_SUITE_P(Backends, Batch, testing::Values(backend_kind::cpu, backend_kind::cuda), backend_name);

/// Not lane-safe (it branches on x), so every trajectory takes the scalar path.
struct throws_beyond_half {
  template <class P>
  typename P::value_type operator()(const P& x) const {
    if (x[0] > 0.5) throw std::runtime_error("the objective threw at x0 > 0.5");
    return x[0] * x[0] + x[1] * x[1];
  }
};

TEST(CpuBackend, ARunInsideAnOpenMPRegionSaysHowManyThreadsItHad) {
#if defined(_OPENMP)
  options o;
  o.backend = backend_kind::cpu;
  o.threads = 2;
  std::string device;
  int nested = 0;  // what a region inside this one gets: 1 unless nesting is on
#pragma omp parallel num_threads(2)
#pragma omp single
  {
#pragma omp parallel num_threads(2)
#pragma omp single
    nested = omp_get_num_threads();
    device = minimize("sphere", starts::uniform(2, -1, 1, 100, 1), o).device;
  }
  EXPECT_EQ(device, std::to_string(nested) + (nested == 1 ? " thread" : " threads")) << "it said 2 threads, and ran on 1";
  EXPECT_EQ(minimize("sphere", starts::uniform(2, -1, 1, 100, 1), o).device, "2 threads");
#else
  GTEST_SKIP() << "built without OpenMP";
#endif
}

TEST(CpuBackend, AnyThreadCountGivesTheSameBits) {
  // 1001 starts: blocks split unevenly over the threads, and a last block of lanes part empty; gtol
  // stops trajectories at different steps, so the threads' blocks last different lengths.
  struct case_ {
    std::string name;
    int dim;
    double box, lr, gtol;
  };
  for (const case_& c :
       {case_{"rastrigin", 8, 2, 2e-3, 1e-2}, case_{"rosenbrock", 5, 1, 1e-3, 1}, case_{"ackley", 33, 2, 2e-3, 1}}) {
    const starts s = starts::uniform(c.dim, -c.box, c.box, 1001, 3);
    options o = on(backend_kind::cpu);
    o.steps = 60, o.lr = c.lr, o.gtol = c.gtol, o.threads = 1;
    const result one = minimize(c.name, s, o);
    ASSERT_GT(one.converged, 0) << c.name << ": no trajectory stopped early";
    for (int threads : {2, 3, 7}) {
      SCOPED_TRACE(c.name + " on " + std::to_string(threads) + " threads");
      o.threads = threads;
      expect_identical(minimize(c.name, s, o), one);
    }
    SCOPED_TRACE(c.name + " as an expression on 3 threads");
    o.threads = 1;
    const result expression_one = minimize_expression(find_builtin(c.name).formula, s, o);
    o.threads = 3;
    expect_identical(minimize_expression(find_builtin(c.name).formula, s, o), expression_one);
  }
}

TEST(CpuBackend, AnExceptionFromTheObjectiveReachesTheCaller) {
  // Thrown inside the OpenMP loop, it ended the process (std::terminate).
  options o = on(backend_kind::cpu);
  o.threads = 2;
  const starts s = starts::uniform(2, -1, 1, 1000, 1);
  EXPECT_THROW(solve(throws_beyond_half{}, s, o), std::runtime_error);
  o.steps = 0;  // only the final evaluation, in the other loop
  EXPECT_THROW(solve<2>(throws_beyond_half{}, s, o), std::runtime_error);
  EXPECT_EQ(solve(throws_beyond_half{}, starts::uniform(2, -1, 0.4, 100, 1), o).count, 100) << "where it does not throw";
}

TEST(Result, MoreTrajectoriesThanMemoryCanCountAreOutOfMemory) {
  result r;
  EXPECT_THROW(r.resize(std::numeric_limits<std::int64_t>::max(), 2), std::bad_alloc);
  EXPECT_THROW(minimize("sphere", starts::uniform(2, -1, 1, std::numeric_limits<std::int64_t>::max()), on(backend_kind::cpu)),
               std::bad_alloc);
  EXPECT_THROW(host_bytes_needed(-5, 2, options{}), std::invalid_argument);
  options bad;
  bad.threads = -3;  // was taken as if valid
  EXPECT_THROW(host_bytes_needed(5, 2, bad), std::invalid_argument);
}

#if defined(FDGD_HAS_CUDA)
/// The calling thread's current CUDA context (null: none), through the runtime's driver entry point.
CUcontext current_context() {
  void* p = nullptr;
  cudaDriverEntryPointQueryResult found{};
  EXPECT_EQ(cudaGetDriverEntryPointByVersion("cuCtxGetCurrent", &p, 12000, cudaEnableDefault, &found), cudaSuccess);
  CUcontext c = nullptr;
  if (p) {
    EXPECT_EQ(reinterpret_cast<CUresult (*)(CUcontext*)>(p)(&c), CUDA_SUCCESS);
  }
  return c;
}

// A run on options::cuda_device leaves the calling thread's context as it found it: none on a thread
// that had not used CUDA, the caller's own on one that had (cudaSetDevice stayed set before).
TEST(CudaAgainstCpu, ARunLeavesTheCallersContextAsItWas) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  options o;
  o.backend = backend_kind::cuda;
  const starts s = starts::uniform(2, -1, 1, 1000, 3);
  std::thread fresh([&] {
    EXPECT_EQ(current_context(), nullptr);
    minimize("sphere", s, o);
    EXPECT_EQ(current_context(), nullptr) << "minimize left a context current";
    minimize_expression("x0^2 + x1^2", s, o);
    EXPECT_EQ(current_context(), nullptr) << "minimize_expression left a context current";
  });
  fresh.join();
  ASSERT_EQ(cudaFree(nullptr), cudaSuccess);  // this thread's own: device 0's primary context
  const CUcontext mine = current_context();
  ASSERT_NE(mine, nullptr);
  minimize("sphere", s, o);
  EXPECT_EQ(current_context(), mine);
}
#endif

TEST(CudaAgainstCpu, SameTrajectoriesWithin1e12OnTheBoxScale) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  const std::pair<const char*, int> problems[] = {{"sphere", 2},   {"rosenbrock", 16},     {"rastrigin", 8},      {"ackley", 32},
                                                  {"griewank", 5}, {"styblinski_tang", 4}, {"levy", 3},           {"himmelblau", 2},
                                                  {"beale", 2},    {"booth", 2},           {"six_hump_camel", 2}, {"sphere", 1000}};
  for (const auto& [name, dim] : problems) {
    SCOPED_TRACE(std::string(name) + " d = " + std::to_string(dim));
    const auto box = find_builtin(name).box(dim);
    const starts s = starts::uniform(box.lo, box.hi, dim > 100 ? 64 : 4096, 2024);
    options o;
    o.lr = 1e-3;
    o.backend = backend_kind::cpu;
    const result cpu = minimize(name, s, o);
    o.backend = backend_kind::cuda;
    const result gpu = minimize(name, s, o);
    // libdevice's exp/cos/sin are not glibc's: an ulp apart, coordinates drift apart by about
    // ulp(f) / (2h) x lr a step whatever their size, and f grows with the box (griewank d = 5 and 8
    // at |x| <= 600: 3e-12 to 9e-12 over 100 steps, near 0, on the CPU with cos/exp off by 1-3 ulp).
    // Hence 1e-12 of max(|x|, the box's largest bound): that simulation stays below 3.3e-13 of it.
    // (Levy's concave regions spread the drift further: cuda_cpu_tolerance.)
    const double scale = largest_bound(box.lo, box.hi), tol = cuda_cpu_tolerance(name);
    for (std::size_t k = 0; k < cpu.x.size(); ++k) ASSERT_TRUE(near_on_scale(gpu.x[k], cpu.x[k], tol, scale)) << "coordinate " << k;
    for (std::size_t i = 0; i < cpu.f.size(); ++i) {
      ASSERT_TRUE(near_on_scale(gpu.f[i], cpu.f[i], tol)) << "f " << i;
      ASSERT_EQ(gpu.status[i], cpu.status[i]) << i;
    }
  }
}

// Without elementary functions every operation is an IEEE add, subtract, multiply, divide or square
// root on both backends, none contracted into an FMA (-ffp-contract=off, -fmad=false), so the GPU's
// trajectories are the CPU's bit for bit, in both precisions, on the register and run-time paths.
TEST(CudaAgainstCpu, ArithmeticOnlyFunctionsAgreeBitForBit) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  const std::pair<const char*, int> problems[] = {{"sphere", 2},          {"rosenbrock", 16},    {"rosenbrock", 5},
                                                  {"styblinski_tang", 4}, {"himmelblau", 2},     {"beale", 2},
                                                  {"booth", 2},           {"six_hump_camel", 2}, {"sphere", 1000}};
  for (const precision prec : {precision::f64, precision::f32}) {
    for (const auto& [name, dim] : problems) {
      SCOPED_TRACE(std::string(name) + " d = " + std::to_string(dim) + (prec == precision::f32 ? " f32" : " f64"));
      const auto box = find_builtin(name).box(dim);
      const starts s = starts::uniform(box.lo, box.hi, dim > 100 ? 64 : 4096, 7);
      options o;
      o.lr = 1e-3;
      o.prec = prec;
      o.backend = backend_kind::cpu;
      const result cpu = minimize(name, s, o);
      o.backend = backend_kind::cuda;
      const result gpu = minimize(name, s, o);
      expect_identical(gpu, cpu);
    }
  }
}

// The device lays the final rows out for the result 2^22 values at a time (x, f and grad_norm: d + 2
// a row, so 2^20 rows at d = 2): a batch of more rows, in chunks that end inside a piece, is still
// the CPU's bit for bit, every row in its place.
/// Sphere from `s` on CUDA, in one chunk and in chunks of all but 2 starts, is the CPU's bit for bit.
void expect_cuda_chunks_match_the_cpu(const starts& s, std::int64_t steps) {
  for (const std::int64_t chunk : {std::int64_t(0), s.count() - 2}) {
    SCOPED_TRACE("chunk_size " + std::to_string(chunk));
    options o;
    o.steps = steps;
    o.chunk_size = chunk;
    o.backend = backend_kind::cpu;
    const result cpu = minimize("sphere", s, o);
    o.backend = backend_kind::cuda;
    expect_identical(minimize("sphere", s, o), cpu);
  }
}

TEST(CudaAgainstCpu, RowsBeyondOnePieceLandInPlace) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  expect_cuda_chunks_match_the_cpu(starts::uniform({-3.0, -2.0}, {4.0, 5.0}, (std::int64_t(1) << 20) + 5, 3), 5);
}

// Given starts go to the device a piece at a time (4 Mi values at most): here 8 coordinates, then the
// ninth, of 2^19 starts, 2^19 more, then 5, each coordinate copied apart; and the 2 starts of a last
// chunk in one piece and one copy.
TEST(CudaAgainstCpu, GivenStartsStagedInPiecesLandInPlace) {
  FDGD_SKIP_WITHOUT_BACKEND(backend_kind::cuda);
  const std::int64_t n = (std::int64_t(1) << 20) + 5;
  const int d = 9;
  std::vector<double> points(std::size_t(n) * d);
  for (std::size_t k = 0; k < points.size(); ++k) points[k] = 3 * std::sin(double(k));
  expect_cuda_chunks_match_the_cpu(starts::given(std::move(points), d), 3);
}

}  // namespace
}  // namespace fdgd::test
