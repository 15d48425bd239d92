// How a message shows a byte it cannot print as it is (a control byte, or one its rule escapes): \xNN.
// Each message keeps its own rule for which bytes those are: io escapes all but printable ASCII, and the
// backslash, the command line only control bytes (UTF-8 stays readable), the expression parser what it
// cannot read.
#pragma once
#include <cstdio>
#include <string>

namespace fdgd::detail {

inline std::string escaped_byte(unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", unsigned(c));
  return buf;
}

}  // namespace fdgd::detail
