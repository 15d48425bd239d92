// Numbers as text: the shortest decimal that reads back to the same double, for messages, and the one
// reader of decimal numbers that the command's flags and CSV files share.
#pragma once
#include <charconv>
#include <cmath>
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

/// std::from_chars (decimal), also taking one leading '+', which it refuses but people and printf's
/// "%+e" (numpy.savetxt fmt='%+e') write; "++1" and "+-1" stay refused.
template <class Number>
std::from_chars_result read_decimal(const char* first, const char* last, Number& value) {
  if (last - first > 1 && *first == '+' && first[1] != '+' && first[1] != '-') ++first;
  return std::from_chars(first, last, value);
}

/// read_decimal for a coordinate: a magnitude below the least subnormal reads as the nearest double (0,
/// or the least subnormal), as strtod and NumPy read it, where from_chars says out of range; beyond the
/// largest double it stays out of range, with `value` the infinity of its sign.
inline std::from_chars_result read_coordinate(const char* first, const char* last, double& value) {
  auto res = read_decimal(first, last, value);
  if (res.ec == std::errc::result_out_of_range) {
    value = std::strtod(std::string(first, res.ptr).c_str(), nullptr);  // strtod tells the two apart
    if (value > -HUGE_VAL && value < HUGE_VAL) res.ec = std::errc();
  }
  return res;
}

}  // namespace fdgd::detail
