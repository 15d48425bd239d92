// The bytes distinct_minima allocates at its peak (counted_new.hpp) against grouping_bytes_needed.
#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <random>
#include <utility>

#include "counted_new.hpp"
#include "fdgd/summary.hpp"

namespace fdgd::test {
namespace {

TEST(GroupingMemory, ThePeakOfScatteredPointsIsWithinTheEstimateAndNearIt) {
  // 563200 points: 256 partitions of about 2200 cells, whose tables round up to 8192 slots (3.7 a cell,
  // near the most there can be). 2100 points of d = 200: one partition, no keys kept.
  for (const auto& [d, n] : {std::pair<int, std::int64_t>{2, 100000}, {8, 100000}, {2, 563200}, {200, 2100}}) {
    result r;
    r.resize(n, d);
    std::mt19937_64 gen(static_cast<unsigned>(d));
    std::uniform_real_distribution<double> anywhere(-5.0, 5.0);
    for (auto& v : r.x) v = anywhere(gen);
    for (std::int64_t i = 0; i < n; ++i) {
      r.f[std::size_t(i)] = r.x[std::size_t(i * d)];
      r.status[std::size_t(i)] = trajectory_status::finished;
    }
    for (const int threads : {1, 2}) {
      const std::size_t before = reset_peak();
      const auto groups = distinct_minima(r, 1e-3, 10, backend_kind::cpu, threads);
      ASSERT_EQ(groups.size(), 10u);
      const double used = double(peak_bytes.load() - before), estimate = grouping_bytes_needed(n, d, threads);
      EXPECT_LE(used, estimate) << "d = " << d << ", " << threads << " threads";
      // Small counts pay most for what the estimate allows beyond scattered points' need (a CUDA pass's
      // pairs, up to 4 MB, and tables of threads with little to do).
      EXPECT_GE(used, estimate / 4) << "d = " << d << ", " << threads << " threads: the estimate is far above the need";
      std::printf("d = %d, %d threads: %.1f bytes a point at the peak, estimated %.1f\n", d, threads, used / double(n),
                  estimate / double(n));
      if (d == 8) {  // every group returned, each with its point: counted too
        const std::size_t again = reset_peak();
        EXPECT_EQ(distinct_minima(r, 1e-3, 0, backend_kind::cpu, threads).size(), std::size_t(n));
        EXPECT_LE(double(peak_bytes.load() - again), grouping_bytes_needed(n, d, threads, 0));
        EXPECT_GT(double(peak_bytes.load() - again), grouping_bytes_needed(n, d, threads, 10))
            << "the groups returned outweigh the rest";
      }
    }
  }
}

// Points on a lattice of side tol / 2 across cell boundaries: every point a cell of its own, all of
// them joined (into one group) in the shifted grids.
TEST(GroupingMemory, ALatticeOfNeighboursStaysWithinTheEstimate) {
  const int d = 16;
  const std::int64_t n = std::int64_t(1) << d;
  result r;
  r.resize(n, d);
  for (std::int64_t i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) r.x[std::size_t(i * d + j)] = 0.5 + 0.5 * double((i >> j) & 1);
    r.f[std::size_t(i)] = double(i);
    r.status[std::size_t(i)] = trajectory_status::finished;
  }
  for (const int threads : {1, 2}) {
    const std::size_t before = reset_peak();
    const auto groups = distinct_minima(r, 1.0, 10, backend_kind::cpu, threads);
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].count, n);
    EXPECT_LE(double(peak_bytes.load() - before), grouping_bytes_needed(n, d, threads)) << threads << " threads";
  }
}

TEST(GroupingMemory, TheEstimateGrowsWithCountDimensionAndThreadsAndRefusesNonsense) {
  EXPECT_THROW(grouping_bytes_needed(-1, 2), std::invalid_argument);
  EXPECT_THROW(grouping_bytes_needed(10, 0), std::invalid_argument);
  EXPECT_THROW(grouping_bytes_needed(10, 2, -1), std::invalid_argument);
  EXPECT_THROW(grouping_bytes_needed(10, 2, max_cpu_threads + 1), std::invalid_argument);
  EXPECT_EQ(grouping_bytes_needed(0, 3), 0.0);
  EXPECT_GE(grouping_bytes_needed(1000000, 8, 1), 1000000.0 * 64);
  EXPECT_GT(grouping_bytes_needed(2000, 8, 1), grouping_bytes_needed(1000, 8, 1));
  EXPECT_EQ(grouping_bytes_needed(1000, 200, 1, 10) - grouping_bytes_needed(1000, 8, 1, 10),
            10 * 8 * 192.0 + 1000 * 8 * 192.0 + 1000 * (9 + 8 * 4.0))
      << "no keys of cells kept: only the groups returned, the shifted grids' hashes and (from d = 64) the grids each "
         "cell shares with another grow with dim";
  EXPECT_EQ(grouping_bytes_needed(1000000, 200, 1, 10) - grouping_bytes_needed(1000000, 100, 1, 10),
            10 * 8 * 100.0 + 1000000 * 100 / 8 * 8.0 + 1000000 * 8 * (4 - 2.0))
      << "past 16 MB, the hashes take an eighth of the cells' coordinates";
  EXPECT_EQ(grouping_bytes_needed(1000, 64, 1, 10) - grouping_bytes_needed(1000, 63, 1, 10),
            10 * 8 + 1000 * 8 + 1000 * (9 + 8 * 2.0))
      << "the grids each cell shares with another, from d = 64";
  EXPECT_EQ(grouping_bytes_needed(1000000, 12, 1, 10) - grouping_bytes_needed(1000000, 10, 1, 10), 10 * 8 * 2.0)
      << "the hashes take 16 MB up to 2^24 coordinates";
  EXPECT_GT(grouping_bytes_needed(100000, 8, 4), grouping_bytes_needed(100000, 8, 1));
  // Near the largest int and int64 (the words of d bits a cell were counted in int, and the hashes of
  // count x d in size_t: the estimate went down, then negative).
  EXPECT_GT(grouping_bytes_needed(1000, INT_MAX, 1, 10), grouping_bytes_needed(1000, INT_MAX - 100, 1, 10));
  EXPECT_GT(grouping_bytes_needed(INT64_MAX, INT_MAX), grouping_bytes_needed(INT64_MAX, 1000));
  EXPECT_GT(grouping_bytes_needed(INT64_MAX, 1000), grouping_bytes_needed(INT64_MAX / 2, 1000));
}

}  // namespace
}  // namespace fdgd::test
