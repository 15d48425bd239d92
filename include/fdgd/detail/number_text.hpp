// Shortest decimal text that reads back to the same double, for messages.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fdgd::detail {

inline std::string number_text(double v) {
  char buf[40];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace fdgd::detail
