// What the readers share: refusing what is not a readable file, and quoting file text in messages.
#pragma once
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string>

#include "fdgd/error.hpp"

namespace fdgd::detail {

/// A directory opens as a stream on Linux and then reads as nothing: say what it is instead.
inline void check_readable_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw error("fdgd: cannot read " + path + ": it is a directory");
}

/// 'text' for a message: at most 40 characters (a cell can be 100 KB), control and other bytes escaped.
inline std::string quoted(const char* a, const char* b) {
  constexpr std::ptrdiff_t shown = 40;
  std::string out = "'";
  for (const char* p = a; p < b && p < a + shown; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (std::isprint(c) && c != '\\') {
      out += char(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", unsigned(c));
      out += buf;
    }
  }
  if (b - a > shown) out += "...' (" + std::to_string(b - a) + " characters)";
  else out += "'";
  return out;
}

}  // namespace fdgd::detail
