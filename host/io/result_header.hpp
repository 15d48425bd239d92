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
inline result_header_match match_result_header(const std::vector<std::string>& names) {
  static const char* const tail[] = {"f", "grad_norm", "steps", "status"};
  std::size_t x = 0;
  while (x < names.size() && names[x] == "x" + std::to_string(x)) ++x;
  const std::size_t after = names.size() - x;
  if (after > 4) return {};
  for (std::size_t j = 0; j < after; ++j)
    if (names[x + j] != tail[j]) return {};
  return {x, after};
}

}  // namespace fdgd::detail
