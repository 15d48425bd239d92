// Decimal numbers read as in the C locale, whatever locale the program has set (with a decimal comma,
// strtod reads "1.5" as 1): where std::from_chars cannot tell underflow from overflow, or a grammar of
// its own has found the number's text.
#pragma once
#include <locale.h>
#include <stdlib.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "fdgd/detail/number_text.hpp"

namespace fdgd::detail {

/// strtod in the C locale (in the program's where the C locale cannot be had).
inline double c_strtod(const char* text, char** end = nullptr) {
  static const locale_t c_locale = ::newlocale(LC_ALL_MASK, "C", locale_t(0));
  return c_locale ? ::strtod_l(text, end, c_locale) : std::strtod(text, end);
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

/// Whether `text`, read as v, is a nonzero number that reads as 0: below about 2.5e-324, half the least
/// subnormal (1e-400).
inline bool nonzero_reads_as_zero(const std::string& text, double v) {
  return v == 0 && text.find_first_of("123456789") < text.find_first_of("eE");
}

}  // namespace fdgd::detail
