#include "parse.hpp"

#include <charconv>
#include <cmath>

#include "fdgd/detail/number_text.hpp"

namespace fdgd::cli {

std::string without_prefix(const std::string& what) { return what.rfind("fdgd: ", 0) == 0 ? what.substr(6) : what; }

namespace {

bool to_double(const std::string& s, double& v) {
  const auto res = detail::read_decimal(s.data(), s.data() + s.size(), v);
  return !s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size();
}

}  // namespace

std::int64_t parse_count(const std::string& flag, const std::string& text) {
  double v = 0;
  const auto caret = text.find('^');
  bool ok;
  if (caret != std::string::npos) {
    double base = 0, exponent = 0;
    ok = to_double(text.substr(0, caret), base) && to_double(text.substr(caret + 1), exponent);
    v = std::pow(base, exponent);
  } else {
    ok = to_double(text, v);
  }
  if (!ok || !std::isfinite(v) || v != std::floor(v))
    throw usage_error(flag + ": '" + text + "' is not a whole number (forms: 1000, 1e6, 2^20)");
  if (v > 9.0e18) throw usage_error(flag + ": " + text + " is too large (at most 9e18)");
  if (v < 1) throw usage_error(flag + ": " + text + " must be >= 1");
  return std::int64_t(v);
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
    if (colon == std::string::npos || !to_double(part.substr(0, colon), a) || !to_double(part.substr(colon + 1), b))
      throw usage_error("--box: '" + part + "' is not LO:HI");
    const std::string where = "--box coordinate " + std::to_string(lo.size()) + ": '" + part + "' ";
    if (!std::isfinite(a) || !std::isfinite(b)) throw usage_error(where + "is not finite");
    if (!(a < b)) throw usage_error(where + "is empty or inverted (need LO < HI)");
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
      throw usage_error(flag + ": '" + text + "' is not a point x0,x1,... of finite numbers");
    point.push_back(v);
    if (end == text.size()) return point;
    begin = end + 1;
  }
}

}  // namespace fdgd::cli
