// fdgd's device headers as text, built into the library (generated at configure time from include/),
// so that NVRTC compiles the same step and difference code as nvcc, wherever the program runs.
#pragma once
#include <vector>

namespace fdgd::expr {

struct rtc_header {
  const char* name;  ///< as included: "fdgd/step.hpp"
  const char* text;
};

const std::vector<rtc_header>& rtc_headers();

}  // namespace fdgd::expr
