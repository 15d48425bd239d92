// Host-only description of a built-in objective: its usual search box and its known global minima.
#pragma once
#if !defined(__CUDACC_RTC__)
#include <cstddef>
#include <vector>

namespace fdgd {

/// A function's global minimum: where it lies and what f is there (share_reaching counts the starts
/// that end near one of the points).
struct known_minimum {
  std::vector<std::vector<double>> points;  ///< every global minimizer (several for himmelblau, camel)
  double value;                             ///< f at each of them
};

/// A box to draw starts from: coordinate j in [lo[j], hi[j]] (starts::uniform).
struct search_box {
  std::vector<double> lo, hi;  ///< one bound a coordinate
};

/// The floating-point work of one evaluation, as counted from the code next to it: arithmetic
/// operations (+ - * /) and calls of each elementary function, which the roofline weighs by the
/// instructions they execute (bench/ROOFLINE.md).
struct evaluation_work {
  double flops;
  double cos_sin;  ///< cos and sin calls
  double exp;
  double sqrt;
};

/// d copies of `value`: a bound of a box that is the same in every coordinate, a minimizer on the diagonal.
inline std::vector<double> repeated(int d, double value) { return std::vector<double>(static_cast<std::size_t>(d), value); }

constexpr evaluation_work operator+(const evaluation_work& a, const evaluation_work& b) {
  return {a.flops + b.flops, a.cos_sin + b.cos_sin, a.exp + b.exp, a.sqrt + b.sqrt};
}
constexpr evaluation_work operator*(double k, const evaluation_work& a) {
  return {k * a.flops, k * a.cos_sin, k * a.exp, k * a.sqrt};
}

}  // namespace fdgd
#define FDGD_HOST_METADATA 1
#endif
