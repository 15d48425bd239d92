// Bad input throws std::invalid_argument naming the option and its value; an unusable backend throws
// fdgd::error naming the cause.

#include <algorithm>
#include <cmath>

#include "fdgd/cpu_backend.hpp"
#include "fdgd/detail/host_loop.hpp"
#include "fdgd/functions/sphere.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

result run_with(void (*change)(options&)) {
  options o;
  o.backend = backend_kind::cpu;
  change(o);
  return minimize("sphere", starts::given({1, 2}, 2), o);
}

TEST(Options, InvalidValuesAreNamed) {
  expect_invalid([] { run_with([](options& o) { o.lr = 0; }); }, {"lr", "0"});
  expect_invalid([] { run_with([](options& o) { o.lr = -0.5; }); }, {"lr", "-0.5"});
  expect_invalid([] { run_with([](options& o) { o.lr = std::nan(""); }); }, {"lr", "nan"});
  expect_invalid([] { run_with([](options& o) { o.lr = HUGE_VAL; }); }, {"lr", "inf"});
  expect_invalid([] { run_with([](options& o) { o.h = 0; }); }, {"option h", "0"});
  expect_invalid([] { run_with([](options& o) { o.h = -1e-4; }); }, {"option h", "-0.0001"});
  expect_invalid([] { run_with([](options& o) { o.h = 1e308; }); }, {"option h", "1e+308", "2h finite"});
  expect_invalid([] { run_with([](options& o) { o.steps = -1; }); }, {"steps", "-1"});
  expect_invalid([] { run_with([](options& o) { o.gtol = -1e-3; }); }, {"gtol", "-0.001"});
  // A gradient of 1e-170 has a sum of squares of 0, which would pass any gtol.
  expect_invalid([] { run_with([](options& o) { o.gtol = 1e-180; }); },
                 {"gtol", "1e-180", "below 2^-511 = 1.4916681462400413e-154"});
  EXPECT_NO_THROW(run_with([](options& o) { o.gtol = std::ldexp(1.0, -511); }));
  expect_invalid([] { run_with([](options& o) { o.gtol = std::nextafter(std::ldexp(1.0, -511), 0.0); }); }, {"gtol", "below"});
  expect_invalid([] { run_with([](options& o) { o.steps_per_launch = -2; }); }, {"steps_per_launch", "-2"});
  expect_invalid([] { run_with([](options& o) { o.chunk_size = -3; }); }, {"chunk_size", "-3"});
  expect_invalid([] { run_with([](options& o) { o.threads = -1; }); }, {"threads", "-1"});
  expect_invalid([] { run_with([](options& o) { o.threads = max_cpu_threads + 1; }); }, {"threads", "4097", "0..4096"});
  expect_invalid([] { run_with([](options& o) { o.prec = precision(7); }); }, {"option prec", "7"});
  expect_invalid([] { run_with([](options& o) { o.backend = backend_kind(7); }); }, {"option backend", "7"});
}

TEST(Options, SinglePrecisionRefusesStepsItCannotHold) {
  const auto single = [](options& o, double lr, double h, double gtol) {
    o.prec = precision::f32, o.lr = lr, o.h = h, o.gtol = gtol;
  };
  const auto refused = [&](double lr, double h, double gtol, const std::vector<std::string>& words) {
    const auto check = [&] {
      options o;
      single(o, lr, h, gtol);
      o.validate();
    };
    expect_invalid(check, words);
  };
  refused(1e-50, 1e-4, 0, {"option lr", "1e-50", "is 0 in single precision"});
  refused(1e39, 1e-4, 0, {"option lr", "1e+39", "single precision's range"});
  refused(0.01, 1e-50, 0, {"option h", "1e-50", "is 0 in single precision"});
  refused(0.01, 2e38, 0, {"option h", "2e+38", "2h beyond"});
  refused(0.01, 1e-4, 1e39, {"option gtol", "1e+39"});
  refused(0.01, 1e-4, 1e-50, {"option gtol", "1e-50", "below 2^-63 = 1.0842021724855044e-19"});
  refused(0.01, 1e-4, 1e-20, {"option gtol", "1e-20", "underflows in single precision"});
  options edge;
  single(edge, 1e-44, 1e38, 3e38);  // subnormal lr and 2h, gtol within range: accepted
  EXPECT_NO_THROW(edge.validate());
  single(edge, 1e-44, 1e38, std::ldexp(1.0, -63));
  EXPECT_NO_THROW(edge.validate());
  // FLT_MAX as text (3.4028235e+38, numpy's) is past FLT_MAX as a double yet rounds to it: accepted. From
  // halfway to 2^128 on, the float is an infinity.
  const double flt_max_text = 3.4028235e+38, halfway = 0x1.ffffffp127;
  ASSERT_GT(flt_max_text, double(std::numeric_limits<float>::max()));
  single(edge, flt_max_text, flt_max_text / 2, flt_max_text);
  EXPECT_NO_THROW(edge.validate());
  single(edge, std::nextafter(halfway, 0.0), 1e-4, 0);
  EXPECT_NO_THROW(edge.validate());
  refused(halfway, 1e-4, 0, {"option lr", "single precision's range"});
  refused(0.01, halfway / 2, 0, {"option h", "2h beyond"});
  refused(0.01, 1e-4, halfway, {"option gtol", "single precision's range"});
  single(edge, 1e-50, 1e-50, 1e39);  // values that f32 refuses are fine in f64
  edge.prec = precision::f64;
  EXPECT_NO_THROW(edge.validate());
}

// solve_cpu<float> runs in single precision whatever options::prec says: it checks the options so,
// rather than freeze every trajectory at float(1e-50) = 0 or turn gtol 1e-30 into 0 (no convergence).
TEST(Options, AFloatEntryChecksTheOptionsInSinglePrecision) {
  const auto starts = starts::given({1, 2}, 2);
  options o;  // prec f64
  o.lr = 1e-50;
  expect_invalid([&] { solve_cpu<float, 2>(functions::sphere{}, starts, o); }, {"option lr", "1e-50", "is 0 in single precision"});
  o.lr = 0.01, o.gtol = 1e-30;
  expect_invalid([&] { solve_cpu<float, 2>(functions::sphere{}, starts, o); }, {"option gtol", "1e-30", "below 2^-63"});
  EXPECT_NO_THROW((solve_cpu<double, 2>(functions::sphere{}, starts, o)));
  o.gtol = 0, o.prec = precision::f32;  // and solve_cpu<double> runs in double whatever prec says
  o.lr = 1e-50;
  EXPECT_EQ((solve_cpu<double, 2>(functions::sphere{}, starts, o).count), 1);
}

TEST(Starts, SinglePrecisionRefusesStartsBeyondItsRange) {
  options o;
  o.backend = backend_kind::cpu;
  o.prec = precision::f32;
  expect_invalid([&] { minimize("sphere", starts::uniform(2, -1e39, 1e39, 10), o); }, {"box coordinate 0", "single precision"});
  expect_invalid([&] { minimize("sphere", starts::given({1, 2, 3, 4e38}, 2), o); }, {"start 1 coordinate 1", "single precision"});
  expect_invalid([&] { minimize_expression("x0^2 + x1^2", starts::given({1, 2, -4e38, 4}, 2), o); }, {"start 1 coordinate 0"});
  EXPECT_EQ(minimize("sphere", starts::uniform(2, -3e38, 3e38, 10), o).count, 10);  // within range: runs
  // FLT_MAX as numpy writes it (3.4028235e+38) is past FLT_MAX as a double, yet rounds to it: a start.
  o.steps = 0;
  const double flt_max_text = 3.4028235e+38, halfway = 0x1.ffffffp127;
  EXPECT_EQ(minimize("sphere", starts::given({-flt_max_text, 1}, 2), o).x[0], -double(std::numeric_limits<float>::max()));
  EXPECT_EQ(minimize("sphere", starts::uniform(2, -flt_max_text, flt_max_text, 10), o).count, 10);
  expect_invalid(
      [&] {
        minimize("sphere", starts::given({1, 2, halfway, 4}, 2), o);
      },
      {"start 1 coordinate 0", "single precision"});
  o.prec = precision::f64;
  EXPECT_EQ(minimize("sphere", starts::uniform(2, -1e39, 1e39, 10), o).count, 10);
}

TEST(Options, ThreadsZeroIsOpenMPsDefaultHeldToTheCap) {
#if defined(_OPENMP)
  // OMP_NUM_THREADS=100000 set OpenMP's default to 100000, and a run's team crashed starting them.
  const int before = omp_get_max_threads();
  omp_set_num_threads(100000);
  const int team = detail::openmp_team(0), given = detail::openmp_team(3);
  omp_set_num_threads(before);
  EXPECT_EQ(team, max_cpu_threads);
  EXPECT_EQ(given, 3);
#else
  GTEST_SKIP() << "skipped: this build has no OpenMP";
#endif
}

TEST(Options, DefaultsAreTheSeeds) {
  const options o;
  EXPECT_EQ(o.lr, 0.01);
  EXPECT_EQ(o.h, 1e-4);
  EXPECT_EQ(o.steps, 100);
  EXPECT_EQ(o.gtol, 0);
  EXPECT_EQ(o.prec, precision::f64);
  EXPECT_NO_THROW(o.validate());
}

TEST(Starts, InvalidStartsAreNamed) {
  expect_invalid([] { starts::uniform(0, -1, 1, 10); }, {"dim", "0"});
  expect_invalid([] { starts::uniform(2, -1, 1, 0); }, {"count", "0"});
  expect_invalid([] { starts::uniform(std::vector<double>{}, std::vector<double>{}, 10); }, {"box is empty"});
  expect_invalid([] { starts::uniform(2, 1, -1, 10); }, {"box coordinate 0", "[1, -1]"});
  expect_invalid([] { starts::uniform({0.0, 3.0}, {1.0, 3.0}, 10); }, {"box coordinate 1", "[3, 3]"});
  expect_invalid([] { starts::uniform({0.0, 0.0}, {1.0}, 10); }, {"2 lower and 1 upper"});
  expect_invalid([] { starts::uniform(1, -HUGE_VAL, 1, 10); }, {"box coordinate 0", "-inf"});
  expect_invalid([] { starts::uniform(1, -1e308, 1e308, 10); }, {"box coordinate 0", "hi - lo finite"});
  expect_invalid([] { starts::given({}, 2); }, {"no points"});
  expect_invalid([] { starts::given({1, 2, 3}, 2); }, {"3 values", "dimension 2"});
  expect_invalid([] { starts::given({1, 2, std::nan(""), 4}, 2); }, {"start 1 coordinate 0", "not finite"});
  expect_invalid([] { starts::given({1}, 0); }, {"dim", "0"});
}

TEST(Starts, ACoordinateOutsideTheStartsIsRefused) {
  const starts given = starts::given({1, 2, 3, 4}, 2), drawn = starts::uniform(2, -1, 1, 2, 5);
  EXPECT_EQ(given.coordinate(1, 1), 4);
  for (const starts* s : {&given, &drawn}) {
    EXPECT_THROW(s->coordinate(2, 0), std::out_of_range);
    EXPECT_THROW(s->coordinate(-1, 0), std::out_of_range);
    EXPECT_THROW(s->coordinate(0, 2), std::out_of_range);
  }
}

TEST(Minimize, UnknownFunctionAndWrongDimensionAreNamed) {
  const options o;
  expect_invalid([&] { minimize("spere", starts::given({1, 2}, 2), o); }, {"unknown function 'spere'", "sphere"});
  expect_invalid([&] { minimize("himmelblau", starts::given({1, 2, 3}, 3), o); }, {"dim = 3", "himmelblau is 2-D"});
  expect_invalid([&] { minimize("rosenbrock", starts::given({1}, 1), o); }, {"dim = 1", "rosenbrock", ">= 2"});
}

TEST(Minimize, CudaWithoutADeviceSaysWhy) {
  std::string why;
  if (cuda_device_available(0, &why)) GTEST_SKIP() << "skipped: a CUDA device is present, so this error cannot occur";
#ifdef FDGD_CUDA_SWITCHED_OFF
  EXPECT_NE(why.find("built without CUDA: it was configured with FDGD_ENABLE_CUDA=OFF"), std::string::npos) << why;
#endif
  options o;
  o.backend = backend_kind::cuda;
  try {
    minimize("sphere", starts::given({1, 2}, 2), o);
    FAIL() << "expected fdgd::error";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("CUDA backend cannot run"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
  }
  // The CPU backend and automatic selection are unaffected.
  o.backend = backend_kind::automatic;
  EXPECT_EQ(minimize("sphere", starts::given({1, 2}, 2), o).backend, "cpu");
}

// A few starts at a large d on many threads, a launch at a time (as with a progress line): the few
// lane blocks go to other threads launch after launch, and each kept its lockstep buffer (512 d bytes),
// up to every thread's, where the estimate counts one a lane group. Measured between launches.
TEST(Options, HostMemoryEstimateHoldsLaunchAfterLaunch) {
  options o;
  o.backend = backend_kind::cpu;
  o.threads = 16;
  o.steps = 30;
  o.steps_per_launch = 1;
  o.lr = 1e-3;
  const int d = 4000;
  const starts s = starts::uniform(d, -1, 1, 8, 5);
  const double before = heap_in_use();
  double most = 0;
  o.on_progress = [&](const progress&) { most = std::max(most, heap_in_use() - before); };
  minimize("sphere", s, o);
  EXPECT_GT(most, 0);
  EXPECT_LE(most, host_bytes_needed(8, d, o));
}

TEST(Options, HostMemoryEstimateCoversTheResultAndGrowsWithTheRun) {
  options o;
  o.threads = 2;
  result r;
  r.resize(1000, 7);
  const double arrays = double(r.x.size() + r.f.size() + r.grad_norm.size()) * sizeof(double) +
                        double(r.steps.size()) * sizeof(std::int64_t) + double(r.status.size()) * sizeof(trajectory_status);
  EXPECT_GE(host_bytes_needed(1000, 7, o), arrays);
  EXPECT_GT(host_bytes_needed(2000, 7, o), host_bytes_needed(1000, 7, o));
  EXPECT_GT(host_bytes_needed(1000, 70, o), host_bytes_needed(1000, 7, o));
  options single = o;
  single.prec = precision::f32;  // a chunk of single-precision rows on top
  EXPECT_GT(host_bytes_needed(1000, 7, single), host_bytes_needed(1000, 7, o));
  // ... of at most 64 MiB by default: 2^20 starts at d = 100 once had 400 MB of them.
  EXPECT_LE(host_bytes_needed(1 << 20, 100, single), host_bytes_needed(1 << 20, 100, o) + double(64 << 20));
}

}  // namespace
}  // namespace fdgd::test
