// What the readers share: refusing what is not a readable file, and quoting file text in messages.
#pragma once
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "../escaped_byte.hpp"
#include "fdgd/error.hpp"

namespace fdgd::detail {

/// A directory opens as a stream on Linux and then reads as nothing, and a device such as /dev/zero
/// reads without end: say what it is instead. Files and pipes are read.
inline void check_readable_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status s = fs::status(path, ec);
  if (fs::is_directory(s)) throw error("fdgd: cannot read " + path + ": it is a directory");
  if (fs::is_character_file(s) || fs::is_block_file(s) || fs::is_socket(s))
    throw error("fdgd: cannot read " + path + ": it is a device or socket, not a file");
}

/// Why a file could not be opened for reading: the system's reason (errno, cleared before the open),
/// "No such file or directory" or "Permission denied".
inline std::string open_failure() { return errno ? std::strerror(errno) : "no such file or not readable"; }

/// 'text' for a message: at most 40 characters (a cell can be 100 KB), control and other bytes escaped.
inline std::string quoted(const char* a, const char* b) {
  constexpr std::ptrdiff_t shown = 40;
  std::string out = "'";
  for (const char* p = a; p < b && p < a + shown; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    out += std::isprint(c) && c != '\\' ? std::string(1, char(c)) : escaped_byte(c);
  }
  if (b - a > shown)
    out += "...' (" + std::to_string(b - a) + " characters)";
  else
    out += "'";
  return out;
}

/// quoted, of a whole string.
inline std::string quoted(const std::string& text) { return quoted(text.data(), text.data() + text.size()); }

}  // namespace fdgd::detail
