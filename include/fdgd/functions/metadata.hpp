// Host-only description of a built-in objective: its usual search box and its known global minima.
#pragma once
#if !defined(__CUDACC_RTC__)
#include <vector>

namespace fdgd {

struct known_minimum {
  std::vector<std::vector<double>> points;  ///< every global minimizer (several for himmelblau, camel)
  double value;                             ///< f at each of them
};

struct search_box {
  std::vector<double> lo, hi;
};

}  // namespace fdgd
#define FDGD_HOST_METADATA 1
#endif
