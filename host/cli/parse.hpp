// Parsing the `fdgd` command's values, and shaping its error messages. Every parse failure throws usage_error with a message naming
// the flag.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace fdgd::cli {

/// A mistake in the command line or its input files: exit status 2.
class usage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The text with each control byte as \xNN (a newline typed in a value, or in a file's name), so that
/// a message naming it stays one line.
std::string controls_escaped(const std::string& text);

/// Writes "fdgd: warning: TEXT" (controls_escaped) and a newline to stderr. A stderr that cannot be written (full,
/// closed) loses the warning; the run goes on. (A broken pipe raises SIGPIPE, which ends the run as
/// any write to one does.)
void warn(const std::string& text);

/// A library message without its leading "fdgd: ", which the command's own "fdgd: error: " replaces.
std::string without_prefix(const std::string& what);

/// "1000", "1e6", "2.5e3", "2^20" -> a count of at least `least` and at most 9e18, read exactly
/// (--starts, --steps). `flag` names the option in messages.
std::int64_t parse_count(const std::string& flag, const std::string& text, std::int64_t least = 1);

/// parse_count's reading in least..most (most at most 9e18), without a flag: "" and `v` set, or what
/// is wrong ("'1.5' is not a whole number (forms: ...)", "0 must be >= 1", "2^13 must be <= 4096").
std::string count_problem(const std::string& text, std::int64_t least, std::int64_t most, std::int64_t& v);

/// "LO:HI" (every coordinate) or "LO0:HI0,LO1:HI1,..." (one per coordinate) -> lo, hi.
void parse_box(const std::string& text, std::vector<double>& lo, std::vector<double>& hi);

/// "x0,x1,..." -> the coordinates, each a finite number.
std::vector<double> parse_point(const std::string& flag, const std::string& text);

/// The file name's extension in lower case (".npy" for X.NPY), which says the format.
std::string extension(const std::string& path);

}  // namespace fdgd::cli
