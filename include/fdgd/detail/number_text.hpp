// Numbers as text: the shortest decimal that reads back to the same double, for messages, and the one
// reader of decimal numbers that the command's flags and CSV files share.
// Neither depends on the locale a program sets (setlocale(LC_ALL, "") with a decimal comma): printf's
// and strtod's would ("1.5" read as 1).
#pragma once
#include <locale.h>
#include <stdlib.h>

#include <charconv>
#include <cmath>
#include <string>

namespace fdgd::detail {

/// strtod in the C locale, whatever locale the program has set.
inline double c_strtod(const char* text, char** end = nullptr) {
  static const locale_t c_locale = ::newlocale(LC_ALL_MASK, "C", locale_t(0));
  return ::strtod_l(text, end, c_locale);
}

/// The shortest of printf's "%.6g" .. "%.17g" (in the C locale) that reads back to v.
inline std::string number_text(double v) {
  char buf[40];
  std::to_chars_result res{};
  for (int digits = 6; digits <= 17; ++digits) {
    res = std::to_chars(buf, buf + sizeof buf - 1, v, std::chars_format::general, digits);
    *res.ptr = '\0';
    if (c_strtod(buf) == v) break;
  }
  return std::string(buf, res.ptr);
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
    value = c_strtod(std::string(first, res.ptr).c_str());  // strtod tells the two apart
    if (value > -HUGE_VAL && value < HUGE_VAL) res.ec = std::errc();
  }
  return res;
}

}  // namespace fdgd::detail
