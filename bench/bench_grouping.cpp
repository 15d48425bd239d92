// distinct_minima on the host: final points in clusters of `per` points spread +-1e-7 about centres
// uniform in [-5, 5]^d, grouped in cells of side 1e-3. Scattered points (per = 1) cost the d shifted
// grids' passes; clusters split by a cell boundary at a large d cost the key checks, O(m d^2).
// Arguments: d, clusters, per. Counter: final points grouped per second.
#include <benchmark/benchmark.h>

#include <random>

#include "fdgd/summary.hpp"

namespace {

fdgd::result clustered(int d, std::int64_t clusters, std::int64_t per) {
  fdgd::result r;
  r.resize(clusters * per, d);
  std::mt19937_64 g(1);
  std::uniform_real_distribution<double> box(-5, 5), jitter(-1e-7, 1e-7);
  std::vector<double> centre(std::size_t(d), 0.0);
  for (std::int64_t k = 0; k < clusters; ++k) {
    for (double& v : centre) v = box(g);
    for (std::int64_t p = 0; p < per; ++p) {
      const auto i = std::size_t(k * per + p);
      for (int j = 0; j < d; ++j) r.x[i * std::size_t(d) + std::size_t(j)] = centre[std::size_t(j)] + jitter(g);
      r.f[i] = double(k);
      r.status[i] = fdgd::trajectory_status::finished;
    }
  }
  r.summarize();
  return r;
}

void grouping(benchmark::State& state) {
  const auto r = clustered(int(state.range(0)), state.range(1), state.range(2));
  fdgd::minima_totals totals;
  for (auto _ : state) benchmark::DoNotOptimize(fdgd::distinct_minima(r, 1e-3, 10, fdgd::backend_kind::cpu, 0, &totals));
  if (totals.groups != state.range(1)) state.SkipWithError("the clusters were not found as groups");
  state.counters["points/s"] = benchmark::Counter(double(r.count), benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(grouping)
    ->ArgNames({"d", "clusters", "per"})
    ->Args({8, 1000000, 1})
    ->Args({100, 200000, 1})
    ->Args({100, 20000, 10})
    ->Args({1000, 20000, 1})
    ->Args({1000, 2000, 10})
    ->Args({2000, 2000, 10})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
