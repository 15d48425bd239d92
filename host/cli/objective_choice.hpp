// What `--function NAME` or `--expr TEXT` chose: its dimension rule, its default box, and the run.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "fdgd/expression.hpp"
#include "fdgd/minimize.hpp"

namespace fdgd::cli {

class objective_choice {
 public:
  /// Exactly one of a function (non-empty) and an expression (given) is chosen, or usage_error; an
  /// unknown function or a mistake in the expression is a usage_error naming the flag (with a caret).
  objective_choice(const std::string& function, const std::optional<std::string>& expression);

  /// "rastrigin", or the expression as typed.
  const std::string& label() const { return label_; }
  /// The built-in, or nullptr for an expression.
  const builtin_info* builtin() const { return builtin_; }
  /// The dimension when --dim is not given (0: asked, the flag's value); for a built-in of any d and an
  /// expression of d, sums or products, `box_axes` where a --box gave that many (2 or more:
  /// LO0:HI0,LO1:HI1,...; else a built-in's is 2); usage_error when unknown.
  int dim(int asked, int box_axes = 0) const;
  /// Whether its dimension must come from outside (--dim, or a --box for each coordinate): an expression
  /// of d, sums or products.
  bool dim_from_outside() const;
  /// Whether its gradient redoes sums of d terms, about d^2 work a step: a built-in of any d, an expression
  /// with a sum or product.
  bool sums_over_d() const;
  /// usage_error unless the objective has dimension d (for an expression: every index in range);
  /// `source` says where d came from in the message ("--dim 3", "--start: 3 coordinates").
  void check_dim(int d, const std::string& source) const;
  /// check_dim for a d the starts themselves gave (a file's columns, --start's coordinates), not --dim:
  /// besides, an expression whose coordinates imply a dimension (its highest x + 1) must have that one, or
  /// usage_error, ended by `remedy` where the starts have more coordinates (one column more is likely a
  /// saved f read as a coordinate), by the number they need where fewer.
  void check_dim_of_starts(int d, const std::string& source, const std::string& remedy) const;
  /// usage_error where an expression's number, within the doubles' range, leaves float's in an f32 run
  /// (1e39 would be infinite, 1e-46 zero), as --lr and --h there do.
  void check_precision(precision prec) const;
  /// The built-in's box; usage_error for an expression, which has none (naming --box and `other_starts`, the
  /// command's other way to give starts).
  search_box default_box(int d, const std::string& other_starts) const;
  /// f at each row of `x` (d coordinates a row) in precision `prec`, on this thread: the f a run at
  /// --steps 0 reports, but without its gradient (d^2 work a start), and up to the last bits (a run
  /// evaluates lanes of starts with vector math, a built-in on the GPU with the device's). Throws
  /// std::invalid_argument where the objective has no dimension d or f32 cannot hold a coordinate.
  std::vector<double> values(const std::vector<double>& x, int d, precision prec) const;
  /// Minimizes from `s`; an expression is compiled on its first run at a dimension and kept for the next.
  result run(const starts& s, const options& o) const;
  /// fdgd::host_bytes_needed for `count` starts of dimension d, and an expression's interpreter with it
  /// (compiled_expression::host_bytes_needed: compiled here at d, and kept for the run).
  double host_bytes_needed(std::int64_t count, int d, const options& o) const;
  /// An expression's compiled_expression::cpu_work_a_step at d (compiled here, and kept for the run);
  /// none for a built-in.
  std::optional<compiled_expression::cpu_work> cpu_work_a_step(int d) const;

 private:
  const builtin_info* builtin_ = nullptr;
  std::string label_;
  std::optional<expr::node> tree_;
  mutable std::optional<compiled_expression> compiled_;  // the last dimension run, for trace's stretches
  const compiled_expression& compiled_at(int d) const;   // compiled_, made for d where it is not
};

}  // namespace fdgd::cli
