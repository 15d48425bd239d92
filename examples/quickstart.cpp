// A real minimization: a million random starts of the 8-D Styblinski-Tang function (2^8 local minima)
// in its usual box, on the best backend present, with the seed's defaults (lr 0.01, h 1e-4, 100 steps).
#include <cstdint>
#include <cstdio>
#include <exception>

#include "fdgd/minimize.hpp"

int main() {
  try {
    const auto& function = fdgd::find_builtin("styblinski_tang");
    const int dim = 8;
    const auto box = function.box(dim);
    const auto starts = fdgd::starts::uniform(box.lo, box.hi, 1'000'000, /*seed=*/42);
    const fdgd::result r = fdgd::minimize(function.name, starts, fdgd::options{});
    std::printf("styblinski_tang, d = %d, %lld starts, lr 0.01, 100 steps\n%s", dim, static_cast<long long>(r.count),
                r.brief_report().c_str());
    // How many starts found the global minimum (every coordinate near -2.9035), out of 2^8 local minima.
    const auto global = function.minimum(dim);
    std::int64_t found = 0;
    for (std::int64_t i = 0; i < r.count; ++i) found += r.f[std::size_t(i)] < global.value + 1e-6;
    std::printf("global minimum %.10g reached by %lld starts (%.2f%%)\n", global.value, static_cast<long long>(found),
                100.0 * double(found) / double(r.count));
    std::printf("trajectory-steps per second: %.3g\n", double(r.count) * 100 / r.seconds);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
