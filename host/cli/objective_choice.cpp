#include "objective_choice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "fdgd/detail/dispatch.hpp"
#include "fdgd/detail/host_loop.hpp"
#include "fdgd/expression_program.hpp"
#include "fdgd/functions.hpp"
#include "fdgd/point.hpp"
#include "parse.hpp"

namespace fdgd::cli {
namespace {

/// `where_d`, where given, ends the message with where the dimension came from (a file's columns).
[[noreturn]] void expression_usage_error(const std::string& text, const expr::expression_error& e,
                                         const std::string& where_d = "") {
  throw usage_error("--expr: " + std::string(e.what()) + "\n" + expr::caret_lines(text, e.column()) + where_d);
}

}  // namespace

objective_choice::objective_choice(const std::string& function, const std::optional<std::string>& expression) {
  if (!function.empty() && expression.has_value()) throw usage_error("--function and --expr exclude each other: give one");
  if (function.empty() && !expression.has_value())
    throw usage_error("give the function with --function NAME or --expr TEXT (one of them)");
  if (!function.empty()) {
    try {
      builtin_ = &find_builtin(function);
    } catch (const std::invalid_argument& e) {
      throw usage_error("--function: " + without_prefix(e.what()));
    }
    label_ = function;
    return;
  }
  label_ = *expression;
  try {
    tree_ = expr::parse(label_);
  } catch (const expr::expression_error& e) {
    const auto& all = builtin_functions();
    if (std::any_of(all.begin(), all.end(), [&](const builtin_info& f) { return f.name == label_; }))
      throw usage_error(
          fmt::format("--expr: {} is a built-in's name, not an expression: run it with --function {} (`fdgd "
                      "functions` prints its formula)",
                      label_, label_));
    expression_usage_error(label_, e);
  }
  if (expr::needs_outside_dim(*tree_)) return;
  // Its indices are constants: one that no dimension takes (negative, fractional, depending on x, 2^31 - 1
  // or more) is named here, before any d is asked of it, and without a d it does not depend on.
  try {
    expr::bind(*tree_, std::numeric_limits<int>::max());
  } catch (const expr::expression_error& e) {
    // (An index past 2^31 - 2, as x[10^10], is out of range for that d: its d is dim()'s to refuse.)
    if (e.message().find(" is out of range for d = ") == std::string::npos) expression_usage_error(label_, e);
  }
}

bool objective_choice::dim_from_outside() const { return tree_ && expr::needs_outside_dim(*tree_); }

bool objective_choice::sums_over_d() const { return builtin_ ? builtin_->fixed_dim == 0 : expr::has_sum_or_product(*tree_); }

int objective_choice::dim(int asked, int box_axes) const {
  if (asked) return asked;
  if (builtin_) return builtin_->fixed_dim ? builtin_->fixed_dim : box_axes > 1 ? box_axes : 2;
  if (const int implied = expr::implied_dim(*tree_)) return implied;
  if (expr::needs_outside_dim(*tree_)) {
    if (box_axes > 1) return box_axes;
    throw usage_error(
        "--expr: the expression uses d, a sum or a product: give its dimension with --dim (or a --box of LO:HI for each "
        "coordinate)");
  }
  // (Its indices are constants, checked when it was read: none is below x[10^9].)
  throw usage_error(
      "--expr: no dimension follows from the expression's coordinates (it names none, or only past x[10^9]): "
      "give it with --dim");
}

void objective_choice::check_dim(int d, const std::string& source) const {
  if (builtin_) {
    if (const std::string problem = builtin_->dim_problem(d); !problem.empty()) throw usage_error(source + " but " + problem);
    return;
  }
  expr::node bound;
  try {
    bound = expr::bind(*tree_, d);
  } catch (const expr::expression_error& e) {
    // Where d was not typed as --dim: where it came from, unless the same mistake stands at d = 1 and at
    // d + 1 too (one that grows with d stands at d + 1, not at 1).
    const auto same_at = [&](int other) {
      try {
        expr::bind(*tree_, other);
      } catch (const expr::expression_error& o) {
        return o.message() == e.message() && o.column() == e.column();
      }
      return false;
    };
    expression_usage_error(
        label_, e,
        source.rfind("--dim ", 0) == 0 || (same_at(d == 1 ? 2 : 1) && same_at(d < std::numeric_limits<int>::max() ? d + 1 : d - 1))
            ? ""
        : source.rfind("d = ", 0) == 0 ? "\n" + controls_escaped(source)  // a file's name may hold a newline
                                       : fmt::format("\nd = {} from {}", d, controls_escaped(source)));
  }
  // An empty sum leaves f constant at this d (rosenbrock's formula at d = 1): a run would do nothing.
  const auto names_x = [](const expr::node& n, const auto& self) -> bool {
    return n.kind == expr::node_kind::coordinate ||
           std::any_of(n.kids.begin(), n.kids.end(), [&](const expr::node& k) { return self(k, self); });
  };
  if (!names_x(bound, names_x)) {
    warn(
        fmt::format("--expr names no coordinate at d = {} ({}): f is constant there, every gradient 0, and no start "
                    "moves",
                    d, source));
    return;
  }
  // Far fewer coordinates named than d (x10000000 for x1000, or --dim 10^8 for a formula of x0): the rest
  // do not enter f, yet every start holds them.
  std::vector<double> named;
  const auto collect = [&](const expr::node& n, const auto& self) -> void {
    if (n.kind == expr::node_kind::coordinate) named.push_back(n.value);
    for (const auto& k : n.kids) self(k, self);
  };
  collect(bound, collect);
  std::sort(named.begin(), named.end());
  const auto distinct = std::int64_t(std::unique(named.begin(), named.end()) - named.begin());
  if (d - distinct >= 1000 && 2 * distinct < d)
    warn(
        fmt::format("--expr names {} of the d = {} coordinates ({}): the other {} do not enter f, yet every start "
                    "holds them, in memory and in the output (a mistyped index?)",
                    distinct, d, source, d - distinct));
}

void objective_choice::check_dim_of_starts(int d, const std::string& source, const std::string& remedy) const {
  if (tree_)
    if (const int implied = expr::implied_dim(*tree_); implied > 0 && implied != d)  // the remedy (--dim d) needs d > implied
      throw usage_error(fmt::format("{}, but the expression's coordinates end at x{}, dimension {}{}", source, implied - 1, implied,
                                    d > implied ? remedy : fmt::format(": the starts need {} coordinates", implied)));
  check_dim(d, source);
}

search_box objective_choice::default_box(int d, const std::string& other_starts) const {
  if (!builtin_) throw usage_error("--expr: give the search box with --box LO:HI (or the starts with " + other_starts + ")");
  return builtin_->box(d);
}

const compiled_expression& objective_choice::compiled_at(int d) const {
  if (!compiled_ || compiled_->dim() != d) {
    // Making each coordinate's patch of the sums takes about d^2 operations, before the first step and
    // its progress line (d = 40000: 6 s here).
    if (sums_over_d() && double(d) * double(d) >= 2.5e9)
      warn(fmt::format(
          "--expr at d = {}: preparing each coordinate's part of the sums (products) takes about d^2 = {:.2g} operations "
          "before the first step, which may take long",
          d, double(d) * double(d)));
    compiled_.emplace(label_, d);
  }
  return *compiled_;
}

void objective_choice::check_precision(precision prec) const {
  if (!tree_ || prec != precision::f32) return;
  try {
    expr::check_numbers_fit_float(*tree_);
  } catch (const expr::expression_error& e) {  // before the run, which would refuse it too, with the caret
    expression_usage_error(label_, e);
  }
}

std::vector<double> objective_choice::values(const std::vector<double>& x, int d, precision prec) const {
  if (builtin_) builtin_->check_dim(d);
  if (prec == precision::f32) detail::check_fits_single_precision(starts::given(x, d));
  std::optional<expr::program> code;
  if (tree_) code = expr::compile(expr::bind(*tree_, d), d, false);
  std::vector<double> f(x.size() / std::size_t(d));
  detail::with_precision(prec, [&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<T> point(std::size_t(d), T(0));
    for (std::size_t i = 0; i < f.size(); ++i) {
      std::copy_n(x.begin() + std::ptrdiff_t(i * std::size_t(d)), d, point.begin());
      T value = 0;
      if (code)
        value = expr::program_objective::of(*code)(strided_point<T>{point.data(), 1, d});
      else
        functions::visit(label_, [&](auto objective) { value = objective(strided_point<T>{point.data(), 1, d}); });
      f[i] = double(value);
    }
  });
  return f;
}

result objective_choice::run(const starts& s, const options& o) const {
  return builtin_ ? minimize(label_, s, o) : compiled_at(s.dim()).minimize(s, o);
}

std::optional<compiled_expression::cpu_work> objective_choice::cpu_work_a_step(int d) const {
  if (builtin_) return std::nullopt;
  return compiled_at(d).cpu_work_a_step();
}

double objective_choice::host_bytes_needed(std::int64_t count, int d, const options& o) const {
  return builtin_ ? fdgd::host_bytes_needed(count, d, o) : compiled_at(d).host_bytes_needed(count, o);
}

}  // namespace fdgd::cli
