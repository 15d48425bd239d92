#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fdgd/detail/number_text.hpp"
#include "fdgd/expression.hpp"
#include "fdgd/finite.hpp"
#include "fdgd/math.hpp"
#include "host/expression/names.hpp"

namespace fdgd::expr {
namespace {

/// The shortest text that reads back as v (v finite, >= 0; plain rather than exponent at equal length): no '+' or leading zeros in
/// the exponent, no leading "0." zero; so a printed number is never longer than any text that gave v.
std::string number_text(double v) {
  std::string best;
  for (int digits = 1; digits <= 17; ++digits) {
    for (const auto format : {std::chars_format::general, std::chars_format::scientific}) {  // printf's %g and %e
      char buf[40];
      const auto end =
          std::to_chars(buf, buf + sizeof buf, v, format, digits - (format == std::chars_format::scientific ? 1 : 0)).ptr;
      double back = 0;
      if (std::from_chars(buf, end, back).ec != std::errc() || back != v) continue;
      std::string t(buf, end);
      if (const auto e = t.find('e'); e != std::string::npos) {
        std::string mantissa = t.substr(0, e), exponent = t.substr(e + 1);
        if (mantissa.find('.') != std::string::npos) {
          while (mantissa.back() == '0') mantissa.pop_back();
          if (mantissa.back() == '.') mantissa.pop_back();
        }
        const bool negative = exponent[0] == '-';
        exponent = exponent.substr(exponent[0] == '-' || exponent[0] == '+' ? 1 : 0);
        while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
        t = mantissa + "e" + (negative ? "-" : "") + exponent;
      }
      if (t.rfind("0.", 0) == 0) t.erase(0, 1);
      const bool shorter = t.size() < best.size() || (t.size() == best.size() && best.find('e') != std::string::npos);
      if (best.empty() || shorter) best = t;  // equal length: the plain form
    }
  }
  return best;
}

std::string plain_text(double v) {
  return std::isnan(v) ? "not a number" : fdgd::detail::number_text(v);  // (printf would say -nan for 0/0 on x86)
}

/// Binding strength of the grammar's levels: what a node needs around it not to be re-grouped.
enum level { sum_level = 1, product_level = 2, unary_level = 3, power_level = 4, primary_level = 5 };

int level_of(const node& n) {
  switch (n.kind) {
    case node_kind::add:
    case node_kind::subtract: return sum_level;
    case node_kind::multiply:
    case node_kind::divide: return product_level;
    case node_kind::negate: return unary_level;
    case node_kind::power: return power_level;
    case node_kind::number: return std::signbit(n.value) ? unary_level : primary_level;  // bind()'s -2: (-2)^2, not -(2^2)
    default: return primary_level;
  }
}

void print_to(const node& n, std::string& out, int needed = sum_level) {
  const bool parens = level_of(n) < needed;
  if (parens) out += "(";
  switch (n.kind) {
    case node_kind::number: out += number_text(n.value); break;
    case node_kind::coordinate:
      if (n.kids.empty()) {  // bound: the index itself
        out += "x" + std::to_string(int(n.value));
      } else if (n.kids[0].kind == node_kind::number) {
        // x<digits> where the parser reads that back as one name, x[...] otherwise
        const std::string index = number_text(n.kids[0].value);
        const bool name = index.size() <= max_coordinate_digits && index.find_first_not_of("0123456789") == std::string::npos;
        out += name ? "x" + index : "x[" + index + "]";
      } else {
        out += "x[";
        print_to(n.kids[0], out);
        out += "]";
      }
      break;
    case node_kind::dimension: out += "d"; break;
    case node_kind::constant:
    case node_kind::bound: out += n.name; break;
    case node_kind::negate:
      out += "-";
      print_to(n.kids[0], out, unary_level);
      break;
    case node_kind::add:
    case node_kind::subtract:
      print_to(n.kids[0], out, sum_level);
      for (std::size_t k = 1; k < n.kids.size(); ++k) {  // a bound sum has a kid a term, combined left to right
        out += n.kind == node_kind::add ? "+" : "-";
        print_to(n.kids[k], out, product_level);
      }
      break;
    case node_kind::multiply:
    case node_kind::divide:
      print_to(n.kids[0], out, product_level);
      for (std::size_t k = 1; k < n.kids.size(); ++k) {
        out += n.kind == node_kind::multiply ? "*" : "/";
        print_to(n.kids[k], out, unary_level);
      }
      break;
    case node_kind::power:
      print_to(n.kids[0], out, primary_level);
      out += "^";
      print_to(n.kids[1], out, unary_level);
      break;
    case node_kind::call:
      out += n.name + "(";
      for (std::size_t k = 0; k < n.kids.size(); ++k) {
        if (k) out += ",";
        print_to(n.kids[k], out);
      }
      out += ")";
      break;
    case node_kind::sum:
    case node_kind::product:
      out += (n.kind == node_kind::sum ? "sum(" : "prod(") + n.name + "=";
      print_to(n.kids[0], out);
      out += "..";
      print_to(n.kids[1], out);
      out += ",";
      print_to(n.kids[2], out);
      out += ")";
      break;
  }
  if (parens) out += ")";
}

/// Throws expression_error where `tree` is not one parse() could have made (a hand-built one), nor
/// where `bound_too`, bind(): a kind with the wrong number of kids, an unknown function or constant, a
/// sum without a name, or nesting so deep that walking it recursively could overflow the stack. Walks
/// with a stack of its own.
void check_parsed_shape(const node& tree, bool bound_too = false) {
  constexpr std::size_t deepest = max_length;  // each node parse() makes takes a character at least
  std::vector<std::pair<const node*, std::size_t>> todo{{&tree, 1}};
  while (!todo.empty()) {
    const node* n = todo.back().first;
    const std::size_t depth = todo.back().second;
    todo.pop_back();
    const auto bad = [&](const std::string& what) { throw expression_error("not a parsed expression tree: " + what, n->column); };
    if (depth > deepest) bad("nested deeper than " + std::to_string(deepest) + " nodes");
    const std::size_t kids = n->kids.size();
    const auto want = [&](std::size_t k, const char* kind) {
      if (kids != k) bad(std::string(kind) + " node with " + std::to_string(kids) + " kids, not " + std::to_string(k));
    };
    switch (n->kind) {
      case node_kind::number:
        want(0, "a number");
        if (!std::isfinite(n->value)) bad("a number node holding " + plain_text(n->value));  // parse() reads finite ones
        break;
      case node_kind::dimension: want(0, "a d"); break;
      case node_kind::coordinate:
        if (!(bound_too && kids == 0)) {
          want(1, "a coordinate");
        } else if (!(n->value >= 0 && n->value <= double(INT_MAX) && n->value == std::floor(n->value))) {  // bound: its index
          bad("a bound coordinate of index " + plain_text(n->value));
        }
        break;
      case node_kind::negate: want(1, "a negation"); break;
      case node_kind::constant:
        want(0, "a constant");
        if (n->name != "pi" && n->name != "e") bad("unknown constant '" + n->name + "'");
        break;
      case node_kind::bound:
        want(0, "a bound name");
        if (!is_name(n->name)) bad("a bound name node named '" + n->name + "'");
        break;
      case node_kind::add:
      case node_kind::multiply:
        if (!(bound_too && kids > 2)) want(2, "an operator");  // bound: a sum's (product's) terms in one node
        break;
      case node_kind::subtract:
      case node_kind::divide:
      case node_kind::power: want(2, "an operator"); break;
      case node_kind::call: {
        const function_info* f = find_function(n->name);
        if (!f) bad("unknown function '" + n->name + "'");
        if (kids < std::size_t(f->min_args) || (f->max_args && kids > std::size_t(f->max_args)))
          bad(n->name + " with " + std::to_string(kids) + " arguments");
        break;
      }
      case node_kind::sum:
      case node_kind::product:
        want(3, "a sum or product");
        if (!is_name(n->name) || is_reserved(n->name)) bad("a sum or product bound to '" + n->name + "'");
        break;
      default: bad("a node of unknown kind " + std::to_string(int(n->kind)));
    }
    for (const node& k : n->kids) todo.emplace_back(&k, depth + 1);
  }
}

/// Binds one tree to d: the state of the expansion.
class binder {
 public:
  explicit binder(int d) : d_(d) {}

  node bind(const node& n) {
    if (++nodes_ > max_terms)
      throw expression_error("expression has more than " + std::to_string(max_terms) +
                                 " nodes (numbers, names and operations) once its sums are expanded for d = " + std::to_string(d_),
                             n.column);
    switch (n.kind) {
      case node_kind::number: return n;
      case node_kind::dimension:
      case node_kind::constant:
      case node_kind::bound: return number(value_of(n), n.column);
      case node_kind::coordinate: {
        const long long i = integer(n.kids[0], "coordinate index");
        if (i < 0) throw expression_error("x[" + std::to_string(i) + "]: a coordinate index must be 0 or more", n.column);
        if (i >= d_)
          throw expression_error(
              "x" + std::to_string(i) + " is out of range for d = " + std::to_string(d_) + " (x0..x" + std::to_string(d_ - 1) + ")",
              n.column);
        node c{node_kind::coordinate, n.column, double(i), {}, {}};
        return c;
      }
      case node_kind::sum:
      case node_kind::product: {
        const long long lo = integer(n.kids[0], "lower bound"), hi = integer(n.kids[1], "upper bound");
        const bool sum = n.kind == node_kind::sum;
        if (hi < lo) return number(sum ? 0.0 : 1.0, n.column);
        if (hi - lo >= (long long)max_terms)
          throw expression_error("a sum or product of more than " + std::to_string(max_terms) + " terms", n.column);
        // One n-ary node, added (multiplied) left to right: as deep as one term, however many there are.
        node chain{sum ? node_kind::add : node_kind::multiply, n.column, 0, {}, {}};
        for (long long i = lo; i <= hi; ++i) {
          values_[n.name] = double(i);
          chain.kids.push_back(bind(n.kids[2]));
        }
        values_.erase(n.name);
        if (chain.kids.size() == 1) return std::move(chain.kids[0]);
        return chain;
      }
      default: {
        node out{n.kind, n.column, n.value, n.name, {}};
        for (const auto& k : n.kids) out.kids.push_back(bind(k));
        return out;
      }
    }
  }

 private:
  static node number(double v, int column) { return node{node_kind::number, column, v, {}, {}}; }

  double value_of(const node& n) const {
    if (n.kind == node_kind::dimension) return double(d_);
    if (n.kind == node_kind::constant)
      return n.name == "pi" ? 3.141592653589793238462643383279502884 : 2.718281828459045235360287471352662498;
    const auto bound = values_.find(n.name);
    if (bound == values_.end()) throw expression_error("'" + n.name + "' is not the name of a sum or product around it", n.column);
    return bound->second;
  }

  /// An index or bound: an integer computed from numbers, d and bound names.
  long long integer(const node& n, const char* what) {
    const double v = evaluate(n);
    if (v != std::floor(v))  // NaN and infinities too
      throw expression_error(std::string(what) + " is not an integer (it is " + plain_text(v) + ")", n.column);
    if (!(std::fabs(v) < 1e15))
      throw expression_error(std::string(what) + " is out of range (it is " + plain_text(v) + "; below 1e15 in size)", n.column);
    return (long long)v;
  }

  double evaluate(const node& n) {
    switch (n.kind) {
      case node_kind::number: return n.value;
      case node_kind::dimension:
      case node_kind::constant:
      case node_kind::bound: return value_of(n);
      case node_kind::negate: return -evaluate(n.kids[0]);
      case node_kind::add: return evaluate(n.kids[0]) + evaluate(n.kids[1]);
      case node_kind::subtract: return evaluate(n.kids[0]) - evaluate(n.kids[1]);
      case node_kind::multiply: return evaluate(n.kids[0]) * evaluate(n.kids[1]);
      case node_kind::divide: return evaluate(n.kids[0]) / evaluate(n.kids[1]);
      case node_kind::power: return std::pow(evaluate(n.kids[0]), evaluate(n.kids[1]));
      case node_kind::call:
        if (n.name == "floor") return std::floor(evaluate(n.kids[0]));
        if (n.name == "ceil") return std::ceil(evaluate(n.kids[0]));
        if (n.name == "abs") return std::fabs(evaluate(n.kids[0]));
        if (n.name == "min" || n.name == "max") {
          double v = evaluate(n.kids[0]);
          for (std::size_t k = 1; k < n.kids.size(); ++k)
            v = n.name == "min" ? math::min_number(v, evaluate(n.kids[k])) : math::max_number(v, evaluate(n.kids[k]));
          return v;
        }
        throw expression_error("an index or bound may use + - * / ^ floor ceil abs min max, not " + n.name, n.column);
      default: throw expression_error("an index or bound cannot depend on x or contain a sum", n.column);
    }
  }

  int d_;
  std::size_t nodes_ = 0;
  std::map<std::string, double> values_;
};

constexpr int implied_dim_limit = 1000000000;  // x[10^9] and beyond imply no dimension

/// Whether some node of `tree` is of one of `kinds`, walked with a stack of its own.
bool has_node_of(const node& tree, std::initializer_list<node_kind> kinds) {
  std::vector<const node*> todo{&tree};
  while (!todo.empty()) {
    const node* n = todo.back();
    todo.pop_back();
    if (std::find(kinds.begin(), kinds.end(), n->kind) != kinds.end()) return true;
    for (const auto& k : n->kids) todo.push_back(&k);
  }
  return false;
}

/// Walked with a stack of its own, as has_node_of: a deep tree built by hand must not overflow the thread's.
int highest_coordinate(const node& tree) {
  int high = -1;
  std::vector<const node*> todo{&tree};
  while (!todo.empty()) {
    const node* n = todo.back();
    todo.pop_back();
    if (n->kind == node_kind::coordinate) {
      // Without d or sums every index is a constant expression (x[2^3] too): bound for the largest d
      // counted here, it is a valid index or bind() names what is wrong with it later.
      try {
        high = std::max(high, int(bind(*n, implied_dim_limit).value));
      } catch (const expression_error&) {
      }
    }
    for (const auto& k : n->kids) todo.push_back(&k);
  }
  return high;
}

}  // namespace

bool same_tree(const node& a, const node& b) {
  if (a.kind != b.kind || a.name != b.name || a.kids.size() != b.kids.size()) return false;
  if (a.kind == node_kind::number && !(a.value == b.value && std::signbit(a.value) == std::signbit(b.value))) return false;
  for (std::size_t k = 0; k < a.kids.size(); ++k)
    if (!same_tree(a.kids[k], b.kids[k])) return false;
  return true;
}

std::string print(const node& tree) {
  check_parsed_shape(tree, /*bound_too=*/true);
  std::string out;
  print_to(tree, out);
  return out;
}

bool needs_outside_dim(const node& tree) { return has_node_of(tree, {node_kind::dimension, node_kind::sum, node_kind::product}); }

bool has_sum_or_product(const node& tree) { return has_node_of(tree, {node_kind::sum, node_kind::product}); }

void check_numbers_fit_float(const node& tree) {
  std::vector<const node*> todo{&tree};  // a stack of its own, as has_node_of; kids last first: the leftmost is named
  while (!todo.empty()) {
    const node* n = todo.back();
    todo.pop_back();
    if (n->kind == node_kind::number && (beyond_float(n->value) || (n->value != 0 && float(n->value) == 0)))
      throw expression_error("number " + detail::number_text(n->value) + " would be " +
                                 (std::fabs(n->value) < 1 ? "0" : "infinite") +
                                 " in an f32 run (run it in f64; float's range is about 1.4e-45 to 3.4e38)",
                             n->column);
    for (auto k = n->kids.rbegin(); k != n->kids.rend(); ++k) todo.push_back(&*k);
  }
}

int implied_dim(const node& tree) {
  if (needs_outside_dim(tree)) return 0;
  return highest_coordinate(tree) + 1;
}

node bind(const node& tree, int d) {
  if (d < 1) throw std::invalid_argument("fdgd: invalid dimension " + std::to_string(d) + " for an expression (must be >= 1)");
  check_parsed_shape(tree);
  return binder(d).bind(tree);
}

}  // namespace fdgd::expr
