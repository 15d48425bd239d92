// Distinct minima and the share of starts reaching the known minimum.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>

#include "fdgd/detail/cell_grid.hpp"
#include "fdgd/io.hpp"
#include "fdgd/summary.hpp"
#include "host/summary_cells.hpp"
#include "test_support.hpp"

namespace fdgd::test {
namespace {

TEST(Summary, HimmelblauHasFourMinimaThatShareTheStarts) {
  const builtin_info& h = find_builtin("himmelblau");
  const auto box = h.box(2);
  options o;
  o.lr = 0.01;
  o.steps = 2000;
  o.gtol = 1e-10;
  const result r = minimize("himmelblau", starts::uniform(box.lo, box.hi, 20000, 3), o);
  const auto groups = distinct_minima(r, 1e-3, 10);
  ASSERT_EQ(groups.size(), 4u);
  const known_minimum m = h.minimum(2);
  double total = 0;
  for (const auto& g : groups) {
    EXPECT_NEAR(g.f, 0.0, 1e-12);
    EXPECT_GT(g.share, 0.1) << "each basin takes a sizeable share of the box";
    total += g.share;
    double nearest = 1e9;
    for (const auto& p : m.points) nearest = std::min(nearest, std::max(std::fabs(g.x[0] - p[0]), std::fabs(g.x[1] - p[1])));
    EXPECT_LT(nearest, 1e-6);
  }
  EXPECT_NEAR(total, double(r.count - r.nonfinite) / double(r.count), 1e-12);
  EXPECT_NEAR(share_reaching(r, m), total, 1e-12);
  // Best first; top limits the list.
  for (std::size_t k = 1; k < groups.size(); ++k) EXPECT_LE(groups[k - 1].f, groups[k].f);
  EXPECT_EQ(distinct_minima(r, 1e-3, 2).size(), 2u);
}

result by_hand(const std::vector<double>& x, const std::vector<double>& f) {
  result r;
  r.resize(std::int64_t(f.size()), int(x.size() / f.size()));
  r.x.assign(x.begin(), x.end());
  r.f.assign(f.begin(), f.end());
  for (auto& s : r.status) s = trajectory_status::finished;
  r.summarize();
  return r;
}

/// Grid 0's cell boundary (k + grid_offset) tol.
double boundary(std::int64_t k, double tol) { return (double(k) + detail::grid_offset) * tol; }

TEST(Summary, TiesGoToMoreMembersThenTheLowerIndex) {
  // f equal everywhere: best is start 0; the three-member group comes first, then the pair whose best
  // point has the lower index (at 20, start 0), not the lower x (-20, starts 2 and 3). A group's point is
  // its member of lowest index: start 4, whose cell is not that of starts 5 and 6 (across a boundary).
  const double b = boundary(0, 1e-3);
  const result r = by_hand({20, 20, -20, -20, b + 1e-6, b - 1e-6, b - 2e-6}, std::vector<double>(7, 1.0));
  EXPECT_EQ(r.best, 0);
  std::vector<backend_kind> where = {backend_kind::cpu};
  if (cuda_device_available(0)) where.push_back(backend_kind::cuda);  // the device's sorts: the same rules
  for (const backend_kind w : where)
    for (const int threads : {1, 3}) {
      const auto groups = distinct_minima(r, 1e-3, 0, w, threads);
      ASSERT_EQ(groups.size(), 3u);
      EXPECT_EQ(groups[0].count, 3);
      EXPECT_EQ(groups[0].x, std::vector<double>{b + 1e-6})
          << (w == backend_kind::cuda ? "cuda" : "cpu") << ", " << threads << " threads";
      EXPECT_EQ(groups[1].x, std::vector<double>{20})
          << (w == backend_kind::cuda ? "cuda" : "cpu") << ", " << threads << " threads";
      EXPECT_EQ(groups[2].x, std::vector<double>{-20})
          << (w == backend_kind::cuda ? "cuda" : "cpu") << ", " << threads << " threads";
    }
}

TEST(Summary, TheCellsStartAtTwoMinusTheGoldenRatioSoRoundNumbersLieInside) {
  EXPECT_DOUBLE_EQ(detail::grid_offset, 2.0 - (1.0 + std::sqrt(5.0)) / 2.0);
  result r;
  r.resize(4 * 256, 8);
  const double sites[] = {0.0, 1.0, -2.5, 0.042};  // the origin, integers, multiples of tol: each from 256 sides
  for (int site = 0; site < 4; ++site)
    for (std::int64_t i = 0; i < 256; ++i)
      for (int j = 0; j < 8; ++j) r.x[std::size_t((site * 256 + i) * 8 + j)] = sites[site] + ((i >> j) & 1 ? 1e-9 : -1e-9);
  for (auto& s : r.status) s = trajectory_status::converged;
  EXPECT_EQ(detail::cells_on_host(r, 1e-3).best.size(), 4u) << "a cell each, where each had 256";
}

TEST(Summary, PointsAcrossACellBoundaryFormOneGroup) {
  // Either side of a boundary of the cells of side 1e-3, 2e-7 apart.
  const double below = boundary(1, 1e-3) - 1e-7, above = boundary(1, 1e-3) + 1e-7;
  const result r = by_hand({below, 5.0, above, 5.0, 0.7, 5.0}, {1.0, 0.5, 2.0});
  ASSERT_EQ(detail::cells_on_host(r, 1e-3).best.size(), 3u);
  const auto groups = distinct_minima(r, 1e-3, 0);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].count, 2);
  EXPECT_EQ(groups[0].x[0], above);  // the group's best point
  EXPECT_EQ(groups[0].f, 0.5);
  EXPECT_NEAR(groups[0].share, 2.0 / 3.0, 1e-15);
  EXPECT_EQ(groups[1].count, 1);
}

// The minima of sphere, rastrigin or rosenbrock lie at corners of the cells (0, 1): converged points
// around one fell into up to 2^d cells, diagonal to each other, and were listed as as many minima.
TEST(Summary, AMinimumAtACornerOfTheCellsIsOneGroup) {
  const double c = boundary(0, 1e-3), e = 1e-12;
  const result corner = by_hand({c + e, c + e, c - e, c - e}, {2e-24, 2e-24});
  EXPECT_EQ(distinct_minima(corner).size(), 1u);
  const double b = boundary(1, 1e-3);
  const result diagonal = by_hand({b - 1e-4, b - 1e-4, b + 1e-4, b + 1e-4}, {0.0, 0.0});
  EXPECT_EQ(distinct_minima(diagonal).size(), 1u);
  for (const int d : {3, 8, 32}) {
    result r;
    const std::int64_t n = 4000;
    r.resize(n, d);
    std::mt19937_64 gen{unsigned(d)};
    std::uniform_int_distribution<int> side(0, 1);
    for (std::int64_t i = 0; i < n; ++i) {
      for (int j = 0; j < d; ++j) r.x[std::size_t(i * d + j)] = boundary(1000, 1e-3) + (side(gen) ? 1e-9 : -1e-9);
      r.f[std::size_t(i)] = double(i % 7);
      r.status[std::size_t(i)] = trajectory_status::converged;
    }
    EXPECT_GT(detail::cells_on_host(r, 1e-3).best.size(), d == 3   ? 7u
                                                          : d == 8 ? 250u
                                                                   : 3900u)
        << "d = " << d << ": a corner, where up to 2^d cells meet";
    const auto groups = distinct_minima(r, 1e-3, 0);
    ASSERT_EQ(groups.size(), 1u) << "d = " << d;
    EXPECT_EQ(groups[0].count, n);
  }
}

// Any cluster spread less than tol / (d + 1) along every axis, each cell it touches holding its best
// point among the cluster's (here: no other points), is one group, wherever it lies; clusters farther
// apart than tol stay apart.
TEST(Summary, ClustersSpreadLessThanTheGuaranteeAreOneGroupAnywhere) {
  const double tol = 1e-3;
  for (const int d : {1, 2, 4, 7}) {
    std::mt19937_64 gen(17u + unsigned(d));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const int clusters = 300, per = 12;
    const double spread = 0.98 * tol / (d + 1);
    result r;
    r.resize(std::int64_t(clusters) * per, d);
    for (int c = 0; c < clusters; ++c) {
      std::vector<double> centre(static_cast<std::size_t>(d));
      for (int j = 0; j < d; ++j)  // 3 tol apart along axis 0 at least; near a cell boundary along the others
        centre[std::size_t(j)] = j == 0 ? 3 * tol * c : (std::round(unit(gen) * 20) + unit(gen) * 0.02 - 0.01) * tol;
      for (int p = 0; p < per; ++p) {
        const std::size_t i = std::size_t(c * per + p);
        for (int j = 0; j < d; ++j) r.x[i * std::size_t(d) + std::size_t(j)] = centre[std::size_t(j)] + spread * (unit(gen) - 0.5);
        r.f[i] = unit(gen);
        r.status[i] = trajectory_status::finished;
      }
    }
    for (const int threads : {1, 2}) {
      const auto groups = distinct_minima(r, tol, 0, backend_kind::cpu, threads);
      ASSERT_EQ(groups.size(), std::size_t(clusters)) << "d = " << d;
      for (const auto& g : groups) EXPECT_EQ(g.count, per) << "d = " << d;
    }
  }
}

TEST(Summary, NonfiniteTrajectoriesAreLeftOutAndToleranceIsChecked) {
  result r = by_hand({0.0, 0.0, 1.0, 1.0}, {0.0, 1.0});
  r.status[1] = trajectory_status::nonfinite;
  const auto groups = distinct_minima(r);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].share, 0.5);
  EXPECT_THROW(distinct_minima(r, 0.0), std::invalid_argument);
  EXPECT_THROW(distinct_minima(r, std::nan("")), std::invalid_argument);
}

TEST(Summary, PointsBeyondTheGridAreNotGroupedWithEachOther) {
  // 1e16 and 9e16 are 8e16 apart, but beyond 4.6e18 cells of 1e-3 both would clamp to the edge cell.
  const result r = by_hand({1e16, 1e16, 9e16, 9e16, 0.5, 0.5, 0.5000001, 0.5}, {1.0, 2.0, 3.0, 4.0});
  const auto groups = distinct_minima(r, 1e-3, 0);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].count, 2);
  EXPECT_EQ(groups[0].x[0], 0.5);
  EXPECT_EQ(distinct_minima(r, 1e-300, 0).size(), 0u) << "no coordinate has a cell of side 1e-300";
  EXPECT_EQ(distinct_minima(r, 1e3, 0).size(), 3u) << "in cells of side 1000 all four points have cells";
  // The reach itself is within it: x / tol = 4.6e18 exactly is grouped, the next double beyond is not.
  const double edge = 4.6e10, tol = 1e-8;
  ASSERT_EQ(edge / tol, detail::grid_reach);
  EXPECT_EQ(distinct_minima(by_hand({edge, 1.0}, {1.0}), tol, 0).size(), 1u);
  EXPECT_EQ(distinct_minima(by_hand({std::nextafter(edge, 1e300), 1.0}, {1.0}), tol, 0).size(), 0u);
}

// The same groups as the definition computed plainly (cells in a std::map, and the shifted grids' cells
// in one a grid), on 1, 2 and 3 threads, for points spread over many cells, several straddling a boundary, and
// enough of them that the host's tables split into partitions (4096 items each).
/// distinct_minima's order (least f, then most members), then by position, so that two lists compare.
bool listed_before(const minimum_group& a, const minimum_group& b) {
  return a.f != b.f ? a.f < b.f : a.count != b.count ? a.count > b.count : a.x < b.x;
}

std::vector<minimum_group> grouped_plainly(const result& r, double tol) {
  using key = std::vector<std::int64_t>;
  std::map<key, std::pair<std::int64_t, std::int64_t>> cells;  // key: (best, count)
  auto f_before = [&](std::int64_t i, std::int64_t k) {
    return r.f[std::size_t(i)] < r.f[std::size_t(k)] || (r.f[std::size_t(i)] == r.f[std::size_t(k)] && i < k);
  };
  auto key_of = [&](std::int64_t i) {
    key k;
    for (int j = 0; j < r.dim; ++j)
      k.push_back(std::int64_t(std::floor(r.x[std::size_t(i * r.dim + j)] / tol - detail::grid_offset)));
    return k;
  };
  for (std::int64_t i = 0; i < r.count; ++i) {
    if (r.status[std::size_t(i)] == trajectory_status::nonfinite || !std::isfinite(r.f[std::size_t(i)])) continue;
    auto [at, fresh] = cells.try_emplace(key_of(i), i, 0);
    ++at->second.second;
    if (!fresh && f_before(i, at->second.first)) at->second.first = i;
  }
  std::map<key, key> parent;  // union-find over keys
  std::function<key(const key&)> root = [&](const key& k) { return parent.count(k) ? root(parent[k]) : k; };
  for (int shift = 1; shift <= r.dim; ++shift) {  // cells whose best points share a cell of a shifted grid
    std::map<key, key> first;                     // shifted cell: the first cell found there
    for (const auto& [k, cell] : cells) {
      key s;
      for (int j = 0; j < r.dim; ++j)
        s.push_back(std::int64_t(
            std::floor(r.x[std::size_t(cell.first * r.dim + j)] / tol - (detail::grid_offset + double(shift) / (r.dim + 1)))));
      const auto [at, fresh] = first.try_emplace(s, k);
      if (!fresh && root(k) != root(at->second)) parent[root(k)] = root(at->second);
    }
  }
  std::map<key, std::pair<std::int64_t, std::int64_t>> groups;  // root: (best, count)
  for (const auto& [k, cell] : cells) {
    auto [at, fresh] = groups.try_emplace(root(k), cell.first, 0);
    at->second.second += cell.second;
    if (!fresh && f_before(cell.first, at->second.first)) at->second.first = cell.first;
  }
  std::vector<minimum_group> out;
  for (const auto& [k, g] : groups) {
    minimum_group m;
    m.x.assign(r.x.begin() + g.first * r.dim, r.x.begin() + (g.first + 1) * r.dim);
    m.f = r.f[std::size_t(g.first)];
    m.count = g.second;
    out.push_back(m);
  }
  std::sort(out.begin(), out.end(), listed_before);
  return out;
}

TEST(Summary, GroupsAreTheDefinitionsOnAnyThreads) {
  for (const int d : {1, 3, 6}) {  // 6: the shifted grids' hashes in blocks
    std::mt19937_64 gen(5u + unsigned(d));
    std::uniform_int_distribution<int> site(0, 40);
    std::normal_distribution<double> jitter(0.0, 3e-4);
    result r;
    const std::int64_t n = 30000;
    r.resize(n, d);
    for (std::int64_t i = 0; i < n; ++i) {
      for (int j = 0; j < d; ++j) r.x[std::size_t(i * d + j)] = 0.0105 * site(gen) + 0.0005 * (i % 3 == 0) + jitter(gen);
      r.f[std::size_t(i)] = std::round(r.x[std::size_t(i * d)] * 1e4) / 1e4;  // ties: more members, then position
      r.status[std::size_t(i)] = i % 97 == 0 ? trajectory_status::nonfinite : trajectory_status::finished;
    }
    r.summarize();
    const auto plain = grouped_plainly(r, 1e-3);
    EXPECT_GT(plain.size(), d == 1 ? 41u : 2u * 4096u)
        << "clusters split by cell boundaries, some merged back, some not; at d = 3, "
           "more cells than one table of the merge holds";
    for (const int threads : {1, 2, 3}) {
      auto found = distinct_minima(r, 1e-3, 0, backend_kind::cpu, threads);
      ASSERT_EQ(found.size(), plain.size()) << "d = " << d << ", " << threads << " threads";
      std::stable_sort(found.begin(), found.end(), listed_before);
      for (std::size_t k = 0; k < plain.size(); ++k) {
        EXPECT_EQ(found[k].x, plain[k].x) << "d = " << d << ", group " << k << ", " << threads << " threads";
        EXPECT_EQ(found[k].count, plain[k].count) << "d = " << d << ", group " << k << ", " << threads << " threads";
      }
      if (threads > 1) {
        EXPECT_EQ(share_reaching(r, known_minimum{{std::vector<double>(std::size_t(d), 0.0)}, 0.0}, 1e-3, threads),
                  share_reaching(r, known_minimum{{std::vector<double>(std::size_t(d), 0.0)}, 0.0}, 1e-3, 1));
      }
    }
  }
}

// shared_grids, which the merge keeps from grid to grid from d = 64, is same_cell in every grid 1 .. d:
// for pairs of points on and off cell boundaries, apart by nothing to more than a cell along each axis,
// near 0 and where |x / tol| is 3e15 (doubles 0.5 apart there in cells) or 3e16 (2 apart: it may say
// it cannot tell).
TEST(Summary, SharedGridsAreSameCellInEveryGrid) {
  const double tol = 1e-3;
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<int> change;
  int told = 0, pairs = 0, shared = 0;
  for (const int d : {1, 2, 7, 64, 200}) {
    std::vector<std::uint64_t> bits(std::size_t(d + 64) / 64);
    for (int t = 0; t < 400; ++t, ++pairs) {
      const double base = t % 10 == 9 ? 3e13 : t % 10 == 8 ? 3e12 : 0.0;
      const double apart = tol / (d + 1) * (t % 4 == 0 ? 1e-9 : t % 4 == 1 ? 0.5 : t % 4 == 2 ? 2.0 : 1.5 * (d + 1));
      std::vector<double> a(static_cast<std::size_t>(d)), b(static_cast<std::size_t>(d));
      for (int j = 0; j < d; ++j) {
        const auto u = std::size_t(j);
        a[u] = base + (unit(gen) < 0.3 ? boundary(std::int64_t(unit(gen) * 100), tol) : unit(gen) * 0.1);
        b[u] = unit(gen) < 0.2               ? a[u]
               : base > 0 && unit(gen) < 0.5 ? std::nextafter(a[u], 1e300)
                                             : a[u] + apart * (unit(gen) - 0.5);
      }
      if (!detail::shared_grids(a.data(), b.data(), d, tol, bits.data(), change)) {
        EXPECT_GT(base, 1e13) << "d = " << d << ", pair " << t << ": only where the shifts round";
        continue;
      }
      ++told;
      for (int k = 1; k <= d; ++k) {
        const bool bit = (bits[std::size_t(k) / 64] >> (k % 64)) & 1;
        shared += bit;
        ASSERT_EQ(bit, detail::same_cell(a.data(), b.data(), d, tol, k)) << "d = " << d << ", pair " << t << ", grid " << k;
      }
    }
  }
  EXPECT_GT(told, pairs * 9 / 10);
  EXPECT_GT(shared, 1000) << "pairs that share some grids' cells";
}

// From d = 64 the merge keeps, for each cell, the shifted grids in which it shares a cell with the cell
// it was last checked against. The same groups as the definition: clusters straddling boundaries of
// grid 0 on many axes, spread from far below to three times tol / (d + 1) (some split for good), and a
// few at |x / tol| = 3e15, where doubles are 0.5 apart there and the shifted grids' indices round.
TEST(Summary, GroupsOfSplitClustersAtALargeDimensionAreTheDefinitions) {
  const double tol = 1e-3;
  for (const int d : {64, 96}) {
    std::mt19937_64 gen(41u + unsigned(d));
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const int clusters = 120, per = 8;
    result r;
    r.resize(std::int64_t(clusters) * per, d);
    for (int c = 0; c < clusters; ++c) {
      const bool far = c % 40 == 0;
      const double spread = (c % 3 == 0 ? 1e-9 : c % 3 == 1 ? 0.9 : 3.0) * tol / (d + 1);
      std::vector<double> centre(static_cast<std::size_t>(d));
      for (int j = 0; j < d; ++j)  // on a boundary of grid 0 along a third of the axes
        centre[std::size_t(j)] = far                ? 3e12 + c + 1e-3 * j
                                 : unit(gen) < 0.33 ? boundary(std::int64_t(unit(gen) * 40) + 50 * c, tol)
                                                    : (50 * c + unit(gen) * 40) * tol;
      for (int p = 0; p < per; ++p) {
        const std::size_t i = std::size_t(c * per + p);
        for (int j = 0; j < d; ++j)
          r.x[i * std::size_t(d) + std::size_t(j)] = far ? std::nextafter(centre[std::size_t(j)], p % 2 ? 1e300 : 0.0)
                                                         : centre[std::size_t(j)] + spread * (unit(gen) - 0.5);
        r.f[i] = unit(gen);
        r.status[i] = trajectory_status::finished;
      }
    }
    const auto plain = grouped_plainly(r, tol);
    EXPECT_GT(plain.size(), std::size_t(clusters)) << "some clusters stay split";
    for (const int threads : {1, 2}) {
      auto found = distinct_minima(r, tol, 0, backend_kind::cpu, threads);
      ASSERT_EQ(found.size(), plain.size()) << "d = " << d << ", " << threads << " threads";
      std::stable_sort(found.begin(), found.end(), listed_before);
      for (std::size_t k = 0; k < plain.size(); ++k) {
        EXPECT_EQ(found[k].x, plain[k].x) << "d = " << d << ", group " << k;
        EXPECT_EQ(found[k].count, plain[k].count) << "d = " << d << ", group " << k;
      }
    }
  }
}

// The same on several threads, which the merge takes from 2^14 cells: clusters far tighter than
// tol / (d + 1), each on boundaries of grid 0 along three axes, so in up to 8 cells, one group each.
TEST(Summary, SplitClustersAtALargeDimensionAreOneGroupEachOnAnyThreads) {
  const double tol = 1e-3;
  const int d = 64, clusters = 6000, per = 6;
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> axis(0, d - 1);
  result r;
  r.resize(std::int64_t(clusters) * per, d);
  for (int c = 0; c < clusters; ++c) {
    std::vector<double> centre(static_cast<std::size_t>(d));
    for (int j = 0; j < d; ++j) centre[std::size_t(j)] = (10 * c + 2 + unit(gen) * 6) * tol;
    for (int k = 0; k < 3; ++k) centre[std::size_t(axis(gen))] = boundary(10 * c + 5, tol);
    for (int p = 0; p < per; ++p) {
      const std::size_t i = std::size_t(c * per + p);
      for (int j = 0; j < d; ++j) r.x[i * std::size_t(d) + std::size_t(j)] = centre[std::size_t(j)] + 1e-12 * (unit(gen) - 0.5);
      r.f[i] = unit(gen);
      r.status[i] = trajectory_status::finished;
    }
  }
  EXPECT_GT(detail::cells_on_host(r, tol).best.size(), std::size_t(1) << 14);
  for (const int threads : {1, 2}) {
    const auto groups = distinct_minima(r, tol, 0, backend_kind::cpu, threads);
    ASSERT_EQ(groups.size(), std::size_t(clusters)) << threads << " threads";
    for (const auto& g : groups) ASSERT_EQ(g.count, per) << threads << " threads";
  }
}

// summarize() runs on OpenMP threads (all by default); its best is still the first least finite f,
// and a nonfinite or unresolved trajectory's f never counts, wherever the threads' ranges fall.
TEST(Summary, BestIsTheFirstLeastFOnAnyThreads) {
  result r;
  const std::int64_t n = 100003;
  r.resize(n, 1);
  for (std::int64_t i = 0; i < n; ++i) {
    r.f[std::size_t(i)] = 1.0 + double(i % 7);
    r.status[std::size_t(i)] = i % 5 == 0 ? trajectory_status::converged : trajectory_status::finished;
  }
  r.f[90000] = -2.0;
  r.status[90000] = trajectory_status::nonfinite;  // least, but nonfinite
  r.f[80000] = -3.0;
  r.status[80000] = trajectory_status::unresolved;  // lesser still, but f there says nothing of a minimum
  r.f[99998] = r.f[70001] = -1.0;
  r.f[60000] = std::nan("");
  for (const int threads : {0, 1, 3}) {
    r.summarize(threads);
    EXPECT_EQ(r.best, 70001) << threads << " threads";
    EXPECT_EQ(r.nonfinite, 1);
    EXPECT_EQ(r.converged, (n + 4) / 5 - 2);  // 80000 and 90000 were converged
    EXPECT_EQ(r.finished + r.converged + r.nonfinite + r.stalled + r.unresolved, n);
  }
  r.f[3] = -1.0;
  r.summarize();
  EXPECT_EQ(r.best, 3);
}

TEST(Summary, ThreadCountsBeyondTheLimitAreRefused) {
  // As options::threads: 100000 threads crashed where they were started.
  result r = by_hand({0.0, 0.0, 1.0, 1.0}, {0.0, 1.0});
  const known_minimum origin{{{0.0, 0.0}}, 0.0};
  for (const int threads : {-1, max_cpu_threads + 1, 100000}) {
    EXPECT_THROW(distinct_minima(r, 1e-3, 10, backend_kind::cpu, threads), std::invalid_argument) << threads;
    EXPECT_THROW(share_reaching(r, origin, 1e-3, threads), std::invalid_argument) << threads;
    EXPECT_THROW(r.summarize(threads), std::invalid_argument) << threads;
    EXPECT_THROW(r.resize(2, 2, threads), std::invalid_argument) << threads;
  }
}

TEST(Summary, AResultThatDisagreesWithItselfIsRefused) {
  result r = by_hand({0.0, 0.0, 1.0, 1.0}, {0.0, 1.0});
  r.dim = 0;  // by hand: the grid divided by it
  EXPECT_THROW(distinct_minima(r), std::invalid_argument);
  r.dim = 3;
  EXPECT_THROW(distinct_minima(r), std::invalid_argument);
  EXPECT_THROW(share_reaching(r, find_builtin("sphere").minimum(2)), std::invalid_argument);
  r.dim = 2;
  // As distinct_minima: a tolerance that is no distance, and minimizers of another dimension, are
  // refused (they counted no start).
  EXPECT_THROW(share_reaching(r, find_builtin("sphere").minimum(2), std::nan("")), std::invalid_argument);
  EXPECT_THROW(share_reaching(r, find_builtin("sphere").minimum(2), -1.0), std::invalid_argument);
  EXPECT_THROW(share_reaching(r, find_builtin("sphere").minimum(3)), std::invalid_argument);
  expect_invalid([&] { share_reaching(r, known_minimum{{}, 0.0}); }, {"a known minimum with no minimizer"});
  expect_invalid(
      [&] {
        share_reaching(r, known_minimum{{{0.0, std::nan("")}}, 0.0});
      },
      {"a minimizer with the coordinate nan (no start ends near it)"});
  EXPECT_EQ(share_reaching(r, find_builtin("sphere").minimum(2)), 0.5);
  // A status of none of the five would leave the counts short: refused, naming the trajectory.
  for (const auto s : {trajectory_status(200), trajectory_status::running}) {
    result odd = r;
    odd.status[1] = s;
    expect_invalid([&] { odd.summarize(); }, {"trajectory 1 has status " + std::to_string(int(s)) + ", none of a finished run's"});
  }
  // No trajectories: no share, whatever the minimizers' dimension (a default result's is 0).
  EXPECT_EQ(share_reaching(result{}, find_builtin("sphere").minimum(2)), 0.0);
  expect_invalid([&] { share_reaching(result{}, known_minimum{{}, 0.0}); }, {"a known minimum with no minimizer"});
  // Whatever reads the arrays checks them first (these read past them).
  r.dim = 2;
  r.count = 100000;
  EXPECT_THROW(r.summarize(), std::invalid_argument);
  EXPECT_THROW(r.brief_report(), std::invalid_argument);
  EXPECT_THROW(write_csv(testing::TempDir() + "inconsistent.csv", r), std::invalid_argument);
  EXPECT_THROW(write_npy(testing::TempDir() + "inconsistent.npy", r), std::invalid_argument);
  EXPECT_THROW(r.resize(-1, 2), std::invalid_argument);
  EXPECT_THROW(r.resize(2, -1), std::invalid_argument);
  expect_invalid([&] { r.resize(5, 0); }, {"n = 5, d = 0", "d >= 1 where n > 0"});  // no reader would take it
  r.resize(0, 0);                                                                   // the empty result
  r.best = -5;
  expect_invalid([&] { r.brief_report(); }, {"best -5 of 0"});
}

TEST(Summary, AnEmptyResultHasNoMinimaAndTheTotalsCountThemAll) {
  const result empty;  // count 0, dim 0: the merge divided by d
  minima_totals totals{5, 5, backend_kind::cuda};
  EXPECT_TRUE(distinct_minima(empty, 1e-3, 10, backend_kind::automatic, 0, &totals).empty());
  EXPECT_EQ(totals.groups, 0);
  EXPECT_EQ(totals.grouped, 0);
  EXPECT_EQ(totals.grouped_on, backend_kind::cpu);
  result r = by_hand({0.0, 0.0, 0.0005, 0.0, 1.0, 1.0, 2.0, 2.0, 1e300, 1e300}, {0.0, 1.0, 2.0, 3.0, 4.0});
  r.status[3] = trajectory_status::nonfinite;
  const auto top = distinct_minima(r, 1e-3, 1, backend_kind::cpu, 0, &totals);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].count, 2);
  EXPECT_EQ(totals.groups, 2) << "the origin's two and (1, 1); not the nonfinite one nor the one beyond the grid";
  EXPECT_EQ(totals.grouped, 3);
  EXPECT_EQ(totals.grouped_on, backend_kind::cpu);
  EXPECT_THROW(distinct_minima(r, 1e-3, 1, static_cast<backend_kind>(9)), std::invalid_argument);
}

TEST(Summary, DeviceGroupingMatchesTheHost) {
  const builtin_info& h = find_builtin("himmelblau");
  const auto box = h.box(2);
  options o = on(backend_kind::cpu);
  o.steps = 30;  // not converged yet: points spread over many cells near each minimum (by 100 steps, 4 groups)
  const result r = minimize("himmelblau", starts::uniform(box.lo, box.hi, 50000, 9), o);
  EXPECT_EQ(grouped_on(r, backend_kind::automatic), backend_kind::cpu);
  EXPECT_EQ(grouped_on(r, backend_kind::cuda), backend_kind::cuda);
  // A CUDA result whose points and cells no device's memory holds is grouped on the host (it ran out of
  // device memory after the whole run): 2^40 points of dimension 100 (only its size is asked).
  result huge;
  huge.count = std::int64_t(1) << 40, huge.dim = 100, huge.cuda_device = 0;
  EXPECT_EQ(grouped_on(huge, backend_kind::automatic), backend_kind::cpu);
  std::string why;
  if (!cuda_device_available(0, &why)) {
    EXPECT_THROW(distinct_minima(r, 1e-3, 0, backend_kind::cuda), error) << "asked for CUDA where there is none";
    FDGD_SKIP_FOR_NO_DEVICE(why);
  }
  const auto host = distinct_minima(r, 1e-3, 0, backend_kind::cpu), device = distinct_minima(r, 1e-3, 0, backend_kind::cuda);
  ASSERT_EQ(host.size(), device.size());
  EXPECT_GT(host.size(), 4u);
  for (std::size_t k = 0; k < host.size(); ++k) {
    EXPECT_EQ(host[k].x, device[k].x) << "group " << k;
    EXPECT_EQ(host[k].count, device[k].count) << "group " << k;
  }
  o.backend = backend_kind::cuda;
  const result on_gpu = minimize("himmelblau", starts::uniform(box.lo, box.hi, 1000, 9), o);
  EXPECT_EQ(grouped_on(on_gpu, backend_kind::automatic), backend_kind::cuda);
  minima_totals totals;
  distinct_minima(on_gpu, 1e-3, 10, backend_kind::automatic, 0, &totals);
  EXPECT_EQ(totals.grouped_on, backend_kind::cuda) << "the device had room: the totals say where the cells were found";
  distinct_minima(on_gpu, 1e-3, 10, backend_kind::cpu, 0, &totals);
  EXPECT_EQ(totals.grouped_on, backend_kind::cpu);
}

}  // namespace
}  // namespace fdgd::test
