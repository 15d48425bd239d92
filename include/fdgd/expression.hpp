// Objectives typed as text: `(1 - x0)^2 + 100*(x1 - x0^2)^2`, `sum(i=0..d-1, x[i]^2)`.
//
// Grammar (whitespace is free; `^` is right-associative and binds tighter than unary minus):
//   expr    := term (('+' | '-') term)*
//   term    := unary (('*' | '/') unary)*
//   unary   := ('-' | '+') unary | power
//   power   := primary ('^' unary)?
//   primary := number | 'x' digits | 'x' '[' expr ']' | 'd' | 'pi' | 'e' | name
//            | function '(' expr (',' expr)* ')'
//            | ('sum' | 'prod') '(' name '=' expr '..' expr ',' expr ')'
//            | '(' expr ')'
//   number  := digits ['.' [digits]] [('e' | 'E') ['+' | '-'] digits]  |  '.' digits [exponent]
// Functions: sin cos tan asin acos atan sinh cosh tanh exp log log2 log10 sqrt cbrt abs floor ceil
// (one argument), atan2 pow (two), min max (two or more).
// `sum(i=lo..hi, body)` adds body for i = lo, lo+1, ..., hi (none when hi < lo: 0; `prod`: 1); the
// bound name can be used in the body, in indices and in inner bounds. Indices and bounds are
// integer expressions of d and bound names, checked against 0..d-1 once d is known.
//
// The text is only ever parsed into a syntax tree; code (the CPU's instruction list, CUDA source)
// is generated from the tree alone, so no text of the user reaches a compiler.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace fdgd::expr {

/// Limits that keep parsing and code generation bounded.
inline constexpr std::size_t max_length = 10000;   ///< characters of text
inline constexpr int max_depth = 64;               ///< the parser's levels: 31 nested parentheses or calls, 62 signs or ^ in a row
inline constexpr std::size_t max_terms = 1 << 20;  ///< nodes once sums are expanded for a given d

/// A mistake in an expression: what is wrong, and the 1-based column where it is.
class expression_error : public std::invalid_argument {
 public:
  expression_error(const std::string& message, int column)
      : std::invalid_argument(message + " at column " + std::to_string(column)), message_(message), column_(column) {}
  const std::string& message() const { return message_; }
  int column() const { return column_; }

 private:
  std::string message_;
  int column_;
};

/// `text` and a line with a caret under `column`, for showing an expression_error; of a text longer
/// than 100 characters, the 100 around the column, with "..." where it goes on.
std::string caret_lines(const std::string& text, int column, const std::string& indent = "  ");

enum class node_kind {
  number,      ///< value
  coordinate,  ///< x[kids[0]]
  dimension,   ///< d
  constant,    ///< name: "pi" or "e"
  bound,       ///< a sum's or product's bound name (name)
  negate,      ///< -kids[0]
  add,
  subtract,
  multiply,
  divide,
  power,    ///< kids[0] op kids[1]
  call,     ///< name(kids...)
  sum,      ///< name = kids[0] .. kids[1], body kids[2]
  product,  ///< as sum
};

/// One node of the syntax tree.
struct node {
  node_kind kind = node_kind::number;
  int column = 0;    ///< 1-based column where the node's text starts (for errors)
  double value = 0;  ///< number
  std::string name;  ///< constant, bound, call and sum/product bound name
  std::vector<node> kids;
};

/// Structural equality (columns ignored): the round-trip check of print().
bool same_tree(const node& a, const node& b);

/// Parses `text`; throws expression_error. Unknown names, wrong argument counts and unbalanced
/// parentheses are found here; indices are checked by bind().
node parse(const std::string& text);

/// The tree as text that parses back to the same tree (parenthesized where precedence needs it, numbers
/// exact). Of a tree bind() made, the text of every term, in the order the sums combine them, which
/// parses back to the same arithmetic (a sum's terms as a chain of + rather than one node). Throws
/// expression_error for a tree neither could have made (one built by hand), as bind() does.
std::string print(const node& tree);

/// Whether the expression uses d or a sum/product, so that its dimension must come from outside.
bool needs_outside_dim(const node& tree);

/// Whether the expression has a sum or product (whose gradient, redoing it after each moved term,
/// takes about d^2 work a step).
bool has_sum_or_product(const node& tree);

/// For a single-precision run: throws expression_error, at its column, for the first number of the
/// tree that float cannot hold (1e39 would be infinite there, 1e-46 zero), as options refuses such an lr or h.
void check_numbers_fit_float(const node& tree);

/// The dimension the expression implies without --dim: one more than its highest coordinate.
/// 0 when it needs d from outside (needs_outside_dim) or names no valid coordinate.
int implied_dim(const node& tree);

/// The tree for dimension d: sums and products expanded into one add (multiply) node with a kid a term,
/// combined left to right; d, bound names and
/// constants replaced by numbers, every index checked to be an integer in 0..d-1.
/// Throws expression_error (e.g. "x5 is out of range for d = 3") or when the expansion exceeds max_terms,
/// and for a tree parse() could not have made (one built by hand: a node with the wrong kids, an
/// unknown name, nesting deeper than max_length). needs_outside_dim() and implied_dim() take the trees
/// parse() and bind() make.
node bind(const node& tree, int d);

}  // namespace fdgd::expr
