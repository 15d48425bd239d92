#include "host/expression/names.hpp"

#include <algorithm>
#include <cctype>

namespace fdgd::expr {
namespace {

const std::vector<function_info>& functions() {
  static const std::vector<function_info> all = {{"sin", 1, 1},   {"cos", 1, 1},   {"tan", 1, 1},  {"asin", 1, 1},  {"acos", 1, 1},
                                                 {"atan", 1, 1},  {"atan2", 2, 2}, {"sinh", 1, 1}, {"cosh", 1, 1},  {"tanh", 1, 1},
                                                 {"exp", 1, 1},   {"log", 1, 1},   {"log2", 1, 1}, {"log10", 1, 1}, {"sqrt", 1, 1},
                                                 {"cbrt", 1, 1},  {"abs", 1, 1},   {"min", 2, 0},  {"max", 2, 0},   {"pow", 2, 2},
                                                 {"floor", 1, 1}, {"ceil", 1, 1}};
  return all;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

bool continues_name(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool is_name(const std::string& text) {
  return !text.empty() && !std::isdigit(static_cast<unsigned char>(text[0])) &&
         std::all_of(text.begin(), text.end(), continues_name);
}

const function_info* find_function(const std::string& name) {
  for (const auto& f : functions())
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<std::string> function_names() {
  std::vector<std::string> names;
  for (const auto& f : functions()) names.push_back(f.name);
  return names;
}

bool is_reserved(const std::string& name) {
  if (find_function(name) || name == "sum" || name == "prod" || name == "d" || name == "pi" || name == "e" || name == "x")
    return true;
  return name.size() > 1 && name[0] == 'x' &&
         std::all_of(name.begin() + 1, name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(1, name.size() / 3) + 1;  // a likely typo: about a third of the letters
  for (const auto& c : candidates) {
    const std::size_t dist = edit_distance(name, c);
    if (dist < best_distance) best = c, best_distance = dist;
  }
  return best;
}

}  // namespace fdgd::expr
