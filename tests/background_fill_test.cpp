// detail::background_fill: result::resize's fill on a thread of its own, waited for before use.
#include "fdgd/detail/background_fill.hpp"

#include "fdgd/detail/host_loop.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <new>

namespace {

// A result already holding other values, so that a fill that did not happen shows.
fdgd::result scribbled(std::int64_t n, int d) {
  fdgd::result r;
  r.resize(n, d);
  std::fill(r.x.begin(), r.x.end(), 3.0);
  std::fill(r.f.begin(), r.f.end(), 7.0);
  std::fill(r.grad_norm.begin(), r.grad_norm.end(), 9.0);
  std::fill(r.steps.begin(), r.steps.end(), 5);
  std::fill(r.status.begin(), r.status.end(), fdgd::trajectory_status::converged);
  return r;
}

// Every value of each of r's arrays is the one given.
void expect_everywhere(const fdgd::result& r, double x, double f, double grad_norm, std::int64_t steps,
                       fdgd::trajectory_status status) {
  EXPECT_TRUE(std::all_of(r.x.begin(), r.x.end(), [&](double v) { return v == x; }));
  EXPECT_TRUE(std::all_of(r.f.begin(), r.f.end(), [&](double v) { return v == f; }));
  EXPECT_TRUE(std::all_of(r.grad_norm.begin(), r.grad_norm.end(), [&](double v) { return v == grad_norm; }));
  EXPECT_TRUE(std::all_of(r.steps.begin(), r.steps.end(), [&](std::int64_t v) { return v == steps; }));
  EXPECT_TRUE(std::all_of(r.status.begin(), r.status.end(), [&](fdgd::trajectory_status s) { return s == status; }));
}

void expect_filled(const fdgd::result& r, std::int64_t n, int d) {
  ASSERT_EQ(r.count, n);
  ASSERT_EQ(r.dim, d);
  ASSERT_EQ(r.x.size(), std::size_t(n) * std::size_t(d));
  ASSERT_EQ(r.status.size(), std::size_t(n));
  expect_everywhere(r, 0.0, 0.0, 0.0, 0, fdgd::trajectory_status::running);
}

TEST(BackgroundFill, AfterWaitTheResultIsWhatResizeGives) {
  // 4.9 MB are filled before the constructor returns, 25.7 MB on a thread of their own (16 MiB and up).
  for (std::int64_t n : {std::int64_t(100003), std::int64_t(1) << 19})
    for (int threads : {0, 1, 2, 3}) {
      fdgd::result r = scribbled(n, 3);
      fdgd::detail::background_fill fill(r, n, 3, threads);
      fill.wait();
      expect_filled(r, n, 3);
      fill.wait();  // a second wait is harmless
    }
}

TEST(BackgroundFill, SizesTheResultBeforeReturning) {
  fdgd::result r;
  fdgd::detail::background_fill fill(r, 5000, 2, 0);
  EXPECT_EQ(r.count, 5000);
  EXPECT_EQ(r.x.size(), 10000u);  // sized at once: only the values come later
  fill.wait();
  expect_filled(r, 5000, 2);
}

TEST(BackgroundFill, ItsEndWaitsForTheFill) {
  fdgd::result r = scribbled(1 << 20, 4);
  { fdgd::detail::background_fill fill(r, 1 << 20, 4, 0); }
  expect_filled(r, 1 << 20, 4);
}

// Stands in for the CUDA batch: its stores write every value of their chunk.
struct writing_batch {
  void load(std::int64_t, std::int64_t) {}
  std::int64_t advance(std::int64_t) { return 0; }
  void store(std::int64_t first, std::int64_t n, fdgd::result& r) {
    const auto d = std::size_t(r.dim);
    for (auto i = std::size_t(first); i < std::size_t(first + n); ++i) {
      std::fill_n(r.x.data() + i * d, d, 1.5);
      r.f[i] = r.grad_norm[i] = 2.5;
      r.steps[i] = 4;
      r.status[i] = fdgd::trajectory_status::finished;
    }
  }
};

TEST(BackgroundFill, RunChunksStoresLandAfterTheFill) {
  // 2^21 trajectories of d = 4 are 120 MB: filled in the background, where a store that did not
  // wait would have some of its values zeroed after it.
  const std::int64_t n = std::int64_t(1) << 21, chunk = n / 4;
  fdgd::result r;
  fdgd::detail::background_fill fill(r, n, 4, 0);
  writing_batch batch;
  fdgd::detail::storing_after_fill<writing_batch> waiting{batch, fill};
  fdgd::detail::run_chunks(waiting, fdgd::options{}, n, chunk, r);
  fill.wait();
  expect_everywhere(r, 1.5, 2.5, 2.5, 4, fdgd::trajectory_status::finished);
}

TEST(BackgroundFill, TooManyTrajectoriesThrowBeforeAnyThreadStarts) {
  fdgd::result r;
  EXPECT_THROW((fdgd::detail::background_fill{r, std::numeric_limits<std::int64_t>::max(), 2, 0}), std::bad_alloc);
}

}  // namespace
