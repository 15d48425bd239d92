// The names an expression may use: functions with their argument counts, reserved words, and the
// nearest valid name for an error message.
#pragma once
#include <string>
#include <vector>

namespace fdgd::expr {

/// Longest index a coordinate name x<digits> may carry; longer ones are written x[...].
inline constexpr std::size_t max_coordinate_digits = 9;

struct function_info {
  std::string name;
  int min_args, max_args;  ///< max_args 0: no upper limit
};

/// The function called `name`, or nullptr.
const function_info* find_function(const std::string& name);
std::vector<std::string> function_names();
/// Whether c goes on a name: a letter, a digit or _ (a name begins with one that is no digit).
bool continues_name(char c);
/// Whether `text` is a name as parse() reads one: a letter or _, then letters, digits and _.
bool is_name(const std::string& text);
/// Names a sum or product may not bind: functions, sum, prod, d, pi, e, x, x<digits>.
bool is_reserved(const std::string& name);
/// The candidate closest to `name` by edit distance, if close enough to be a likely typo; else "".
std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace fdgd::expr
