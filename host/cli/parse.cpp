#include "parse.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "../c_numbers.hpp"
#include "../escaped_byte.hpp"
#include "fdgd/detail/number_text.hpp"

namespace fdgd::cli {

std::string controls_escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    out += u >= 0x20 && u != 0x7f ? std::string(1, c) : detail::escaped_byte(u);
  }
  return out;
}

void warn(const std::string& text) {
  std::fputs(("fdgd: warning: " + controls_escaped(text) + "\n").c_str(), stderr);  // no exception where fmt::print would throw
  std::clearerr(stderr);
}

std::string without_prefix(const std::string& what) { return what.rfind("fdgd: ", 0) == 0 ? what.substr(6) : what; }

namespace {

/// A coordinate's text read whole (read_coordinate), spaces around it aside: true for a number, with v
/// infinite beyond the range of a double.
bool to_double(const std::string& text, double& v) {
  const std::size_t first = text.find_first_not_of(" \t"), last = text.find_last_not_of(" \t");  // "-1:1, -2:2"
  if (first == std::string::npos) return false;
  const char *a = text.data() + first, *b = text.data() + last + 1;
  const auto res = detail::read_coordinate(a, b, v);
  return res.ec != std::errc::invalid_argument && res.ptr == b;
}

}  // namespace

namespace {

constexpr std::uint64_t most_count = 9'000'000'000'000'000'000ull;  // 9e18, below int64's end

/// a * b into a, false past most_count.
bool times(std::uint64_t& a, std::uint64_t b) {
  if (b != 0 && a > most_count / b) return false;
  a *= b;
  return true;
}

enum class count_text { whole, not_whole, too_large };

/// Digits with an optional fraction and exponent (1000, 1e6, 2.5e3, +7), read exactly: through a
/// double, 123456789012345678 became ...680.
count_text decimal_count(const std::string& s, std::uint64_t& v) {
  std::size_t k = s.size() > 0 && s[0] == '+' ? 1 : 0;
  std::string digits;
  long scale = 0;  // value = digits * 10^scale
  bool any = false, point = false;
  for (; k < s.size() && (std::isdigit(static_cast<unsigned char>(s[k])) || (s[k] == '.' && !point)); ++k) {
    if (s[k] == '.') {
      point = true;
      continue;
    }
    any = true;
    if (!(digits.empty() && s[k] == '0')) digits += s[k];
    scale -= point;
  }
  if (!any) return count_text::not_whole;
  if (k < s.size() && (s[k] == 'e' || s[k] == 'E')) {
    ++k;
    const bool minus = k < s.size() && s[k] == '-';
    k += k < s.size() && (s[k] == '-' || s[k] == '+');
    long e = 0;
    const std::size_t first = k;
    // Held past what the text's own digits can offset, so that a larger exponent gives the same answer.
    const long most = long(s.size()) + 40;
    for (; k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])); ++k) e = std::min(e * 10 + (s[k] - '0'), most);
    if (k == first) return count_text::not_whole;
    scale += minus ? -e : e;
  }
  if (k != s.size()) return count_text::not_whole;
  while (!digits.empty() && digits.back() == '0') digits.pop_back(), ++scale;
  v = 0;
  if (digits.empty()) return count_text::whole;
  if (scale < 0) return count_text::not_whole;
  if (digits.size() > 19 || scale > 19) return count_text::too_large;
  for (const char c : digits)
    if (!times(v, 10) || (v += std::uint64_t(c - '0')) > most_count) return count_text::too_large;
  for (long j = 0; j < scale; ++j)
    if (!times(v, 10)) return count_text::too_large;
  return count_text::whole;
}

/// A count as decimal_count reads it, or B^E of two such (2^20).
count_text exact_count(const std::string& s, std::uint64_t& v) {
  const auto caret = s.find('^');
  if (caret == std::string::npos) return decimal_count(s, v);
  std::uint64_t base = 0, exponent = 0;
  const count_text b = decimal_count(s.substr(0, caret), base), e = decimal_count(s.substr(caret + 1), exponent);
  if (b == count_text::not_whole || e == count_text::not_whole) return count_text::not_whole;
  if (b == count_text::too_large || (e == count_text::too_large && base > 1)) return count_text::too_large;
  if (base < 2) {
    v = base == 0 && (exponent > 0 || e == count_text::too_large) ? 0 : 1;  // an exponent too large to read is > 0
    return count_text::whole;
  }
  v = 1;
  for (std::uint64_t j = 0; j < exponent; ++j)
    if (!times(v, base)) return count_text::too_large;
  return count_text::whole;
}

}  // namespace

std::string count_problem(const std::string& text, std::int64_t least, std::int64_t most, std::int64_t& v) {
  const bool negative = !text.empty() && text[0] == '-';
  std::uint64_t u = 0;
  const count_text read = exact_count(negative ? text.substr(1) : text, u);
  if (read == count_text::not_whole || (negative && (text[1] == '+' || text[1] == '-')))
    return "'" + text + "' is not a whole number (forms: 1000, 1e6, 2^20)";
  if ((negative && (u != 0 || read == count_text::too_large)) || (read == count_text::whole && std::int64_t(u) < least))
    return text + " must be >= " + std::to_string(least);
  if (read == count_text::too_large || u > std::uint64_t(most))
    return text + (most == std::int64_t(most_count) ? " is too large (at most 9e18)" : " must be <= " + std::to_string(most));
  v = std::int64_t(u);
  return "";
}

std::int64_t parse_count(const std::string& flag, const std::string& text, std::int64_t least) {
  std::int64_t v = 0;
  if (const std::string problem = count_problem(text, least, std::int64_t(most_count), v); !problem.empty())
    throw usage_error(flag + ": " + problem);
  return v;
}

void parse_box(const std::string& text, std::vector<double>& lo, std::vector<double>& hi) {
  lo.clear();
  hi.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, end - start);
    const std::size_t colon = part.find(':');
    double a = 0, b = 0;
    if (part.empty()) throw usage_error("--box: '" + text + "' has an empty coordinate (a comma at an end, or two in a row)");
    if (colon == std::string::npos || !to_double(part.substr(0, colon), a) || !to_double(part.substr(colon + 1), b))
      throw usage_error("--box: '" + part + "' is not LO:HI");
    const std::string where = "--box coordinate " + std::to_string(lo.size()) + ": '" + part + "' ";
    if (!std::isfinite(a) || !std::isfinite(b)) throw usage_error(where + "is not finite (or beyond the range of a double)");
    if (!(a < b)) {
      const std::string lo_text = part.substr(0, colon), hi_text = part.substr(colon + 1);
      // Said where it made the box empty (0:1e-400), not where it was inverted anyway (5:1e-400).
      const bool zero_lo = detail::nonzero_reads_as_zero(lo_text, a), zero_hi = detail::nonzero_reads_as_zero(hi_text, b);
      throw usage_error(
          where + "is empty or inverted (need LO < HI)" +
          (a == b && (zero_lo || zero_hi) ? "; " + (zero_hi ? hi_text : lo_text) + " reads as 0, below the least double" : ""));
    }
    lo.push_back(a);
    hi.push_back(b);
    if (end == text.size()) break;
    start = end + 1;
  }
}

std::vector<double> parse_point(const std::string& flag, const std::string& text) {
  std::vector<double> point;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = std::min(text.find(',', begin), text.size());
    double v = 0;
    if (!to_double(text.substr(begin, end - begin), v) || !std::isfinite(v))
      throw usage_error(flag + ": '" + text + "' is not a point x0,x1,... of finite numbers within the range of a double");
    point.push_back(v);
    if (end == text.size()) return point;
    begin = end + 1;
  }
}

std::string extension(const std::string& path) {
  std::string e = std::filesystem::path(path).extension().string();
  for (char& c : e) c = char(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

}  // namespace fdgd::cli
