// The header write_csv gives a result, x0,...,x{d-1},f,grad_norm,steps,status: read_csv takes the x
// columns of such a file, and the command refuses one cut after f (its f read as a coordinate).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace fdgd::detail {

struct result_header_match {
  std::size_t x = 0;      ///< the x columns leading the names, x0 on
  std::size_t after = 0;  ///< the columns after them, f, grad_norm, steps, status in order (0..4)
};

/// How far `names` follow a result's header; {0, 0} where a name after the x columns is not the next of
/// f, grad_norm, steps, status.
/// The names of a result's columns after x, in order.
inline constexpr const char* result_tail[] = {"f", "grad_norm", "steps", "status"};

/// How many names lead `names` as x0, x1, ... (or, from base 1, as x1, x2, ...).
inline std::size_t leading_x_names(const std::vector<std::string>& names, std::size_t base = 0) {
  std::size_t x = 0;
  while (x < names.size() && names[x] == "x" + std::to_string(x + base)) ++x;
  return x;
}

/// k for a name x<k> (x0, x12; not x01 or x+1), else -1.
inline long long x_name_index(const std::string& name) {
  if (name.size() < 2 || name.size() > 19 || name[0] != 'x' || (name[1] == '0' && name.size() > 2)) return -1;
  long long k = 0;
  for (std::size_t j = 1; j < name.size(); ++j) {
    if (name[j] < '0' || name[j] > '9') return -1;
    k = 10 * k + (name[j] - '0');
  }
  return k;
}

/// Whether `name` is one of result_tail's.
inline bool is_result_tail_name(const std::string& name) {
  for (const char* t : result_tail)
    if (name == t) return true;
  return false;
}

inline result_header_match match_result_header(const std::vector<std::string>& names) {
  const std::size_t x = leading_x_names(names), after = names.size() - x;
  if (after > 4) return {};
  for (std::size_t j = 0; j < after; ++j)
    if (names[x + j] != result_tail[j]) return {};
  return {x, after};
}

}  // namespace fdgd::detail
