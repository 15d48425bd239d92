// The device pass of distinct_minima (kernels/cells_thrust.hpp), compiled here for Thrust's host
// system, against the host pass: the same cells, counts and best members, and the same cells joined
// in the shifted grids, so the same groups. Its own executable, so that these Thrust instantiations never meet the
// CUDA ones in one program.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <tuple>

#include "kernels/cells_thrust.hpp"

namespace fdgd::test {
namespace {

result scattered(std::int64_t n, int d, std::uint32_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_int_distribution<int> site(0, 5);
  std::normal_distribution<double> jitter(0.0, 1e-3);
  result r;
  r.resize(n, d);
  for (std::int64_t i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) r.x[std::size_t(i * d + j)] = 0.37 * site(gen) - 1.0 + jitter(gen);
    r.f[std::size_t(i)] = std::round(r.x[std::size_t(i * d)] * 10) / 10;  // many equal f: ties decide by index
    r.status[std::size_t(i)] = trajectory_status::finished;
  }
  r.status[3] = trajectory_status::nonfinite;
  r.f[5] = std::nan("");
  r.x[7 * std::size_t(d)] = std::numeric_limits<double>::infinity();  // f finite, x not: an edge cell
  r.summarize();
  return r;
}

std::vector<std::tuple<std::int64_t, std::int64_t>> sorted(const detail::cell_members& c) {
  std::vector<std::tuple<std::int64_t, std::int64_t>> v;
  for (std::size_t k = 0; k < c.best.size(); ++k) v.emplace_back(c.best[k], c.count[k]);
  std::sort(v.begin(), v.end());
  return v;
}

/// Cells the sorted pass joined to another (their group is not themselves).
std::int64_t joined(const detail::cell_members& c) {
  std::int64_t n = 0;
  for (std::size_t k = 0; k < c.group.size(); ++k) n += c.group[k] != std::int64_t(k);
  return n;
}

/// The host's cells and the sorted pass's merge into the same groups, fewer than the cells (some joined).
void expect_same_groups(const result& r, const detail::cell_members& host, const detail::cell_members& sorted_pass) {
  const auto a = detail::merge_cells(r, host, 1e-3, 0), b = detail::merge_cells(r, sorted_pass, 1e-3, 0);
  EXPECT_LT(a.size(), host.best.size()) << "cells were joined";
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].x, b[k].x);
    EXPECT_EQ(a[k].count, b[k].count);
  }
}

TEST(CellsThrust, SameCellsAsTheHostPass) {
  for (const int d : {1, 2, 5}) {
    const result r = scattered(20000, d, 11u + unsigned(d));
    const auto host = detail::cells_on_host(r, 1e-3), sorted_pass = detail::thrust_cells::cells(r, 1e-3);
    EXPECT_GT(host.best.size(), 6u * 3u) << "points spread over many cells, so the passes have work to agree on";
    EXPECT_EQ(sorted(sorted_pass), sorted(host)) << "d = " << d;

    // The sorted pass also joins the cells that share a cell of a shifted grid (the host's merge finds
    // them itself): the same groups.
    ASSERT_EQ(sorted_pass.group.size(), sorted_pass.best.size());
    EXPECT_TRUE(host.group.empty());
    EXPECT_GT(joined(sorted_pass), 6) << "jitter of 1e-3 about each site puts its points across cell boundaries";
    expect_same_groups(r, host, sorted_pass);
  }
}

// Cells whose keys share all but their last coordinates (d = 200): the cells to join are found by their
// hashes, not by comparing keys from the first coordinate on, and are the host's.
TEST(CellsThrust, JoinsOfCellsThatDifferOnlyInTheirLastCoordinate) {
  const int d = 200;
  result r = scattered(3000, d, 7u);
  for (std::int64_t i = 0; i < r.count; ++i)
    for (int j = 0; j + 1 < d; ++j) r.x[std::size_t(i * d + j)] = 0.25;
  const auto host = detail::cells_on_host(r, 1e-3), sorted_pass = detail::thrust_cells::cells(r, 1e-3);
  EXPECT_EQ(sorted(sorted_pass), sorted(host));
  EXPECT_GT(joined(sorted_pass), 6);
  expect_same_groups(r, host, sorted_pass);
}

// A minimum at a corner of the cells (d = 8): its points fall into many cells, diagonal to each other,
// which the shifted grids join.
TEST(CellsThrust, AMinimumAtACornerOfTheCellsIsOneGroup) {
  const int d = 8;
  result r = scattered(2000, d, 3u);
  const double corner = detail::grid_offset * 1e-3;
  for (std::int64_t i = 0; i < r.count; ++i)
    for (int j = 0; j < d; ++j) r.x[std::size_t(i * d + j)] = corner + ((i >> j) % 3 == 0 ? -1e-9 : 1e-9) * double(1 + i % 5);
  for (auto& s : r.status) s = trajectory_status::converged;
  const auto sorted_pass = detail::thrust_cells::cells(r, 1e-3);
  EXPECT_GT(sorted_pass.best.size(), 100u);
  const auto groups = detail::merge_cells(r, sorted_pass, 1e-3, 0);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].count, r.count - 1);  // but the one of NaN f
}

TEST(CellsThrust, NoCountedPointsGiveNoCells) {
  result r = scattered(10, 2, 1u);
  for (auto& s : r.status) s = trajectory_status::nonfinite;
  EXPECT_TRUE(detail::thrust_cells::cells(r, 1e-3).best.empty());
}

}  // namespace
}  // namespace fdgd::test
