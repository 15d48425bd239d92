#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "fdgd/detail/number_text.hpp"
#include "fdgd/expression.hpp"
#include "host/c_numbers.hpp"
#include "host/escaped_byte.hpp"
#include "host/expression/names.hpp"

namespace fdgd::expr {
namespace {

/// Text of the input quoted in a message, cut where long (a 9990-digit number is not echoed whole).
std::string quoted(const std::string& text) {
  constexpr std::size_t most = 40;
  return text.size() <= most ? text : text.substr(0, most) + "... (" + std::to_string(text.size()) + " characters)";
}

class parser {
 public:
  explicit parser(const std::string& text) : s_(text) {}

  node parse_all() {
    if (s_.size() > max_length)
      throw expression_error("expression longer than " + std::to_string(max_length) + " characters", int(max_length) + 1);
    skip_space();
    if (at_end()) throw expression_error("empty expression", 1);
    node n = expression();
    skip_space();
    if (!at_end()) {
      if (peek() == ')') throw expression_error("unbalanced ')'", column());
      throw expression_error("unexpected " + what_is_here() + " after a complete expression", column());
    }
    return n;
  }

 private:
  struct depth_guard {
    parser& p;
    explicit depth_guard(parser& q, int col) : p(q) {
      if (++p.depth_ > max_depth)  // each parenthesis or call takes two levels, a sign or ^ one
        throw expression_error("expression nests too deep: at most " + std::to_string(max_depth) +
                                   " levels, a parenthesis or call taking two and a sign or ^ one (" +
                                   std::to_string(max_depth / 2 - 1) + " parentheses or calls inside one another, or " +
                                   std::to_string(max_depth - 2) + " signs or ^ in a row)",
                               col);
    }
    ~depth_guard() { --p.depth_; }
  };

  node expression() {
    depth_guard guard(*this, column());
    node left = term();
    for (;;) {
      skip_space();
      const char c = peek();
      if (c != '+' && c != '-') return left;
      const int col = column();
      ++pos_;
      left = binary(c == '+' ? node_kind::add : node_kind::subtract, std::move(left), term(), col);
    }
  }

  node term() {
    node left = unary();
    for (;;) {
      skip_space();
      const char c = peek();
      if (c != '*' && c != '/') return left;
      const int col = column();
      ++pos_;
      left = binary(c == '*' ? node_kind::multiply : node_kind::divide, std::move(left), unary(), col);
    }
  }

  node unary() {
    depth_guard guard(*this, column());
    skip_space();
    const int col = column();
    if (peek() == '-' || peek() == '+') {
      const bool minus = peek() == '-';
      ++pos_;
      node operand = unary();
      if (!minus) return operand;
      node n{node_kind::negate, col, 0, {}, {}};
      n.kids.push_back(std::move(operand));
      return n;
    }
    node base = primary();
    skip_space();
    if (peek() != '^') return base;
    const int op = column();
    ++pos_;
    return binary(node_kind::power, std::move(base), unary(), op);  // right-associative: the exponent is a unary
  }

  node primary() {
    skip_space();
    const int col = column();
    if (at_end()) throw expression_error("expected a number, name or '(' but the expression ends", col);
    const char c = peek();
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && std::isdigit(static_cast<unsigned char>(peek(1)))))
      return number();
    if (c == '(') {
      ++pos_;
      node inner = expression();
      expect(')', "')' to close the '(' at column " + std::to_string(col));
      return inner;
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return named(col);
    if (c == ')') throw expression_error("expected a number, name or '(' before ')'", col);  // "()", "x0+()", "(x0+)"
    throw expression_error("unexpected " + what_is_here(), col);
  }

  node number() {
    const int col = column();
    const std::size_t start = pos_;
    auto digits = [&] {
      while (std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    };
    digits();
    if (peek() == '.' && peek(1) != '.') {  // "0..d-1": the first '.' starts a range, not a fraction
      ++pos_;
      digits();
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (std::isdigit(static_cast<unsigned char>(peek(1))) ||
         ((peek(1) == '+' || peek(1) == '-') && std::isdigit(static_cast<unsigned char>(peek(2)))))) {
      pos_ += 2;
      digits();
    }
    const std::string text = s_.substr(start, pos_ - start);
    errno = 0;
    const double v = fdgd::detail::c_strtod(text.c_str());
    if (!std::isfinite(v)) throw expression_error("number " + quoted(text) + " is out of range", col);
    if (fdgd::detail::nonzero_reads_as_zero(text, v))
      throw expression_error("number " + quoted(text) + " is out of range (below about 2.5e-324 it reads as 0)", col);
    return node{node_kind::number, col, v, {}, {}};
  }

  node named(int col) {
    const std::size_t start = pos_;
    while (continues_name(peek())) ++pos_;
    const std::string name = s_.substr(start, pos_ - start);
    skip_space();

    if (name == "x" && peek() == '[') {
      ++pos_;
      node n{node_kind::coordinate, col, 0, {}, {}};
      n.kids.push_back(expression());
      expect(']', "']' to close the '[' of x at column " + std::to_string(col));
      return n;
    }
    if (name.size() > 1 && name[0] == 'x' && all_digits(name, 1)) {
      if (name.size() - 1 > max_coordinate_digits) throw expression_error("coordinate " + quoted(name) + " is out of range", col);
      if (name.size() > 2 && name[1] == '0') {  // x01 would silently be x1, beside an x0 nothing names
        const std::size_t digit = std::min(name.find_first_not_of('0', 1), name.size() - 1);
        throw expression_error("coordinate " + name + " has a leading zero (write x" + name.substr(digit) + ")", col);
      }
      node n{node_kind::coordinate, col, 0, {}, {}};
      n.kids.push_back(node{node_kind::number, col + 1, std::strtod(name.c_str() + 1, nullptr), {}, {}});
      return n;
    }
    if (name == "sum" || name == "prod") return reduction(name, col);
    if (const function_info* f = find_function(name)) return call(*f, col);
    if (name == "d") return node{node_kind::dimension, col, 0, {}, {}};
    if (name == "pi" || name == "e") return node{node_kind::constant, col, 0, name, {}};
    for (auto it = bound_.rbegin(); it != bound_.rend(); ++it)
      if (*it == name) return node{node_kind::bound, col, 0, name, {}};
    if (std::find(binding_.begin(), binding_.end(), name) != binding_.end())
      throw expression_error("'" + name + "' is bound in the body of its sum or product, not in its bounds", col);
    if (name == "x" && peek() == '(') throw expression_error("x is no function: a coordinate is x[i] or xi (x[0], x0)", col);
    if (peek() == '(') throw expression_error("unknown function '" + quoted(name) + "'" + suggestion(name, true), col);
    throw expression_error("unknown name '" + quoted(name) + "'" + suggestion(name, false), col);
  }

  node call(const function_info& f, int col) {
    expect('(', "'(' after " + f.name);
    node n{node_kind::call, col, 0, f.name, {}};
    skip_space();
    if (peek() != ')') {  // "sin()" is a call without arguments, not an unbalanced ')'
      n.kids.push_back(expression());
      for (;;) {
        skip_space();
        if (peek() != ',') break;
        ++pos_;
        skip_space();
        if (peek() == ')' || at_end())  // "max(x0,)": not an unbalanced ')'
          throw expression_error("expected an argument of " + f.name + " after ','", column());
        n.kids.push_back(expression());
      }
    }
    expect(')', "')' to close " + f.name + "( at column " + std::to_string(col));
    const int given = int(n.kids.size());
    if (given < f.min_args || (f.max_args > 0 && given > f.max_args)) {
      const std::string wanted = f.max_args == f.min_args ? std::to_string(f.min_args)
                                 : f.max_args > 0         ? std::to_string(f.min_args) + " or " + std::to_string(f.max_args)
                                                          : std::to_string(f.min_args) + " or more";
      throw expression_error(
          f.name + " takes " + wanted + " argument" + (wanted == "1" ? "" : "s") + ", not " + std::to_string(given), col);
    }
    return n;
  }

  node reduction(const std::string& which, int col) {
    expect('(', "'(' after " + which);
    skip_space();
    const int name_col = column();
    const std::size_t start = pos_;
    while (continues_name(peek())) ++pos_;
    const std::string name = s_.substr(start, pos_ - start);
    if (!is_name(name)) throw expression_error(which + " needs a bound name first, as in " + which + "(i=0..d-1, x[i])", name_col);
    if (is_reserved(name)) throw expression_error("'" + name + "' is taken; choose another bound name", name_col);
    for (const auto& b : bound_)
      if (b == name) throw expression_error("'" + name + "' is already bound by an outer sum or product", name_col);
    expect('=', "'=' after the bound name " + name);
    node n{which == "sum" ? node_kind::sum : node_kind::product, col, 0, name, {}};
    binding_.push_back(name);
    n.kids.push_back(expression());
    skip_space();
    if (!(peek() == '.' && peek(1) == '.')) throw expression_error("expected '..' between the bounds of " + which, column());
    pos_ += 2;
    n.kids.push_back(expression());
    binding_.pop_back();
    expect(',', "',' before the body of " + which);
    bound_.push_back(name);
    n.kids.push_back(expression());
    bound_.pop_back();
    expect(')', "')' to close " + which + "( at column " + std::to_string(col));
    return n;
  }

  static node binary(node_kind k, node a, node b, int col) {
    node n{k, col, 0, {}, {}};
    n.kids.push_back(std::move(a));
    n.kids.push_back(std::move(b));
    return n;
  }

  void expect(char c, const std::string& what) {
    skip_space();
    if (peek() == c) {
      ++pos_;
      return;
    }
    throw expression_error(
        "expected " + what + (at_end() ? " but the expression ends" : std::string(" but found '") + printable(peek()) + "'"),
        column());
  }

  /// The character at pos_ for a message: quoted, a byte as \xNN; one of UTF-8 as its code point,
  /// with the ASCII to write for the few a formula pasted from a document has ("x0 − x1", "x0²").
  std::string what_is_here() const {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(peek(k)); };
    const unsigned lead = b(0);
    const int more = lead >= 0xF0 && lead < 0xF8 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC2 && lead < 0xE0 ? 1 : 0;
    std::uint32_t code = more == 3 ? lead & 0x07u : more == 2 ? lead & 0x0Fu : lead & 0x1Fu;
    for (int k = 1; k <= more; ++k) {
      if ((b(std::size_t(k)) & 0xC0u) != 0x80u) return "'" + printable(peek()) + "'";
      code = (code << 6) | (b(std::size_t(k)) & 0x3Fu);
    }
    if (more == 0) return "'" + printable(peek()) + "'";
    static const std::pair<std::uint32_t, const char*> ascii[] = {
        {0x2212, "-"}, {0x2013, "-"},  {0x2014, "-"},  {0x00D7, "*"},  {0x00B7, "*"},       {0x22C5, "*"},      {0x2217, "*"},
        {0x00F7, "/"}, {0x00B2, "^2"}, {0x00B3, "^3"}, {0x03C0, "pi"}, {0x00A0, "a space"}, {0x2009, "a space"}};
    char name[16];
    std::snprintf(name, sizeof name, "U+%04X", unsigned(code));
    for (const auto& [point, text] : ascii)
      if (point == code)
        return std::string(name) + " (write " + (std::string(text) == "a space" ? text : "'" + std::string(text) + "'") + ")";
    return std::string(name) + " (only ASCII is read)";
  }

  static std::string printable(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isprint(u) ? std::string(1, c) : detail::escaped_byte(u);
  }

  static bool all_digits(const std::string& s, std::size_t from) {
    for (std::size_t k = from; k < s.size(); ++k)
      if (!std::isdigit(static_cast<unsigned char>(s[k]))) return false;
    return true;
  }

  std::string suggestion(const std::string& name, bool as_function) const {
    if (!as_function && name == "x") return " (did you mean 'x0', or 'x[i]'?)";
    // Other languages' names, too far from ours to be found as near ones.
    static const std::pair<const char*, const char*> other_names[] = {
        {"ln", "log"}, {"arcsin", "asin"}, {"arccos", "acos"}, {"arctan", "atan"}, {"fabs", "abs"}};
    if (as_function)
      for (const auto& [theirs, ours] : other_names)
        if (name == theirs) return std::string(" (did you mean '") + ours + "'?)";
    // The names bound where it stands first: of names as near, the first is taken ('I' is 'i', not 'd').
    std::vector<std::string> candidates;
    if (!as_function) candidates.assign(bound_.rbegin(), bound_.rend());
    for (const auto& n : as_function ? function_names() : std::vector<std::string>{"d", "pi", "e", "x0", "sum", "prod"})
      candidates.push_back(n);
    const std::string near = nearest_name(name, candidates);
    return near.empty() ? "" : " (did you mean '" + near + "'?)";
  }

  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek(std::size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  int column() const { return int(pos_) + 1; }

  const std::string& s_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::vector<std::string> bound_;
  std::vector<std::string> binding_;  // the names of the sums and products whose bounds are being read
};

}  // namespace

node parse(const std::string& text) { return parser(text).parse_all(); }

std::string caret_lines(const std::string& text, int column, const std::string& indent) {
  // A long expression shows 100 characters around the column, with "..." where it goes on.
  constexpr std::size_t window = 100, before = 60;
  const std::size_t at = std::min(std::size_t(std::max(column, 1) - 1), text.size());
  const std::size_t first = text.size() <= window || at < before ? 0 : std::min(at - before, text.size() - window);
  const std::size_t last = std::min(text.size(), first + window);
  std::string shown = first > 0 ? "..." : "";
  const std::size_t caret = shown.size() + at - first;
  // A byte the terminal may not show as one character (UTF-8's, a control) shows as '?', one a byte,
  // so the caret stays under the byte the column names.
  for (std::size_t k = first; k < last; ++k) {
    const auto c = static_cast<unsigned char>(text[k]);
    shown += std::isprint(c) ? char(c) : std::isspace(c) ? ' ' : '?';
  }
  if (last < text.size()) shown += "...";
  return indent + shown + "\n" + indent + std::string(caret, ' ') + "^";
}

}  // namespace fdgd::expr
