// Numbers as text: the shortest decimal that reads back to the same double, for messages, and the
// reader of decimal numbers that the command's flags and CSV files share. Neither depends on the locale
// a program sets (setlocale(LC_ALL, "") with a decimal comma), as printf's and strtod's would.
#pragma once
#include <charconv>
#include <string>

namespace fdgd::detail {

/// The shortest of printf's "%.6g" .. "%.17g" (in the C locale) that reads back to v; from "%.1g" for a
/// subnormal, whose few bits six digits overstate (1e-320, not 9.99989e-321).
inline std::string number_text(double v) {
  char buf[40];
  std::to_chars_result res{};
  for (int digits = v > -0x1p-1022 && v < 0x1p-1022 ? 1 : 6; digits <= 17; ++digits) {
    res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
    double back = 0;
    if (std::from_chars(buf, res.ptr, back).ec == std::errc() && back == v) break;
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

}  // namespace fdgd::detail
