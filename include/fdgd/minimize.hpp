// The built-in objectives by name, dispatched at run time to the kernels compiled for them
// (register-resident for d in {2, 3, 4, 8, 16, 32}, the dynamic-dimension path for any other d).
// The functions here, and const member functions, may be called from several threads at once (each
// call runs on a team of options::threads OpenMP threads of its own: concurrent callers should share
// the cores out); a call that changes an object needs it alone (docs/guarantees.md, "Threads of your own").
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "fdgd/error.hpp"
#include "fdgd/expression.hpp"  // expr::expression_error, which the expression entry points throw
#include "fdgd/functions/metadata.hpp"
#include "fdgd/options.hpp"
#include "fdgd/result.hpp"
#include "fdgd/starts.hpp"

namespace fdgd {

/// What fdgd knows about a built-in objective.
struct builtin_info {
  std::string name;                             ///< as `minimize` and the CLI's --function take it
  int fixed_dim;                                ///< 0: any d >= min_dim; otherwise the only dimension it has
  int min_dim;                                  ///< the least dimension it is defined for
  search_box (*unchecked_box)(int dim);         ///< box(), without the check of dim
  known_minimum (*unchecked_minimum)(int dim);  ///< minimum(), without the check of dim
  std::string formula;                          ///< the same function as an expression (fdgd/expression.hpp)
  evaluation_work (*unchecked_work)(int dim);   ///< work(), without the check of dim

  /// Its conventional search box at dimension `dim`; its global minimizers and minimum value there; the
  /// flops and elementary-function calls of one evaluation there. Each throws std::invalid_argument
  /// naming the function unless it has dimension `dim`.
  search_box box(int dim) const { return unchecked_box(checked(dim)); }
  known_minimum minimum(int dim) const { return unchecked_minimum(checked(dim)); }
  evaluation_work work(int dim) const { return unchecked_work(checked(dim)); }

  /// Why the function has no dimension `dim` ("himmelblau is 2-D", "rosenbrock needs dim >= 2"), or
  /// an empty string when it has.
  std::string dim_problem(int dim) const;
  /// Throws std::invalid_argument naming the function unless it has dimension `dim`.
  void check_dim(int dim) const;

 private:
  int checked(int dim) const;
};

/// Every built-in, in a fixed order.
const std::vector<builtin_info>& builtin_functions();

/// The built-in called `name`; throws std::invalid_argument listing the valid names otherwise.
const builtin_info& find_builtin(const std::string& name);

/// Minimizes the built-in `function` from every start, on the backend options choose
/// (automatic: CUDA when a device is present). Throws std::invalid_argument for an unknown function,
/// a dimension it does not have, invalid options or starts; fdgd::error or fdgd::cuda_error when the
/// CUDA backend cannot run; std::bad_alloc when the results do not fit in memory. On the CPU, an
/// exception an objective throws stops the run and reaches the caller (the first, if several threads
/// throw) once the other threads have taken the trajectories they hold through the launch's steps
/// (options::steps_per_launch bounds that wait); device code cannot throw.
result minimize(const std::string& function, const starts& s, const options& o);

/// Minimizes the objective `expression` (grammar: fdgd/expression.hpp) at the starts' dimension.
/// On the CPU it is interpreted over blocks of starts. Throws expr::expression_error (a
/// std::invalid_argument) for a mistake in the expression, naming its column, and in an f32 run for a
/// number float cannot hold (expr::check_numbers_fit_float); otherwise as minimize.
result minimize_expression(const std::string& expression, const starts& s, const options& o);

/// An expression parsed and compiled once for one dimension, to minimize from several sets of starts
/// without compiling it again each time (`fdgd trace` runs its stretches so; at d = 2000 the compile
/// costs several times a short run). minimize_expression(e, s, o) is compiled_expression(e, s.dim())
/// .minimize(s, o). Copies share the compiled code, and so does an object moved from, which stays as
/// usable as a copy; minimize() may be called from several threads.
class compiled_expression {
 public:
  /// Throws expr::expression_error for a mistake in the expression or an index outside 0..dim-1,
  /// std::invalid_argument for dim < 1.
  compiled_expression(const std::string& expression, int dim);
  compiled_expression(const compiled_expression&) = default;
  compiled_expression& operator=(const compiled_expression&) = default;
  // A move copies the shared pointer, so that no object is ever left without the code.
  compiled_expression(compiled_expression&& other) noexcept : compiled_(other.compiled_) {}
  compiled_expression& operator=(compiled_expression&& other) noexcept {
    compiled_ = other.compiled_;
    return *this;
  }
  int dim() const;
  /// As minimize_expression(). The code for a backend is made on its first run (CUDA's kernels from
  /// NVRTC's on-disk cache when it has them), or for the CPU by host_bytes_needed before it;
  /// result::compile_seconds is the time spent making it, reported by the first run after (0 in the
  /// runs that follow). Throws std::invalid_argument when s's dimension is not dim(), and
  /// expr::expression_error in an f32 run for a number float cannot hold (expr::check_numbers_fit_float).
  result minimize(const starts& s, const options& o) const;
  /// fdgd::host_bytes_needed(count, dim(), o), and for a run on the CPU what the interpreter holds
  /// besides: the program with its patches, and each thread's kept values (520 bytes each in f64: a
  /// lockstep block's and a scalar's), a value each for up to several per coordinate. Makes the CPU's
  /// code for it where that is not made yet. Throws as fdgd::host_bytes_needed does, and fdgd::error
  /// where o asks for CUDA and it cannot be had.
  double host_bytes_needed(std::int64_t count, const options& o) const;
  /// What one start's step costs the CPU's interpreter: about `operations` instructions (a run of a sum's
  /// kept terms counted as its length), and whether each coordinate's difference redoes only what that
  /// coordinate reaches (`patched`), or, its patches too large to make (expr::patch_instruction_cap),
  /// evaluates f whole 2d times. Makes the CPU's code for it where that is not made yet.
  struct cpu_work {
    double operations = 0;
    bool patched = false;
  };
  cpu_work cpu_work_a_step() const;

 private:
  struct compiled;
  std::shared_ptr<compiled> compiled_;
};

/// About how many bytes of host memory minimize() or minimize_expression() takes for `count` starts
/// of dimension `dim` with options `o`: the result's arrays and the CPU backend's working buffers
/// (per thread, and the single-precision chunk). For checking a run's size before it starts: under
/// Linux's memory overcommit, an allocation that succeeds can still end the process when touched.
/// Throws std::invalid_argument for count < 0, dim < 1 or invalid options.
double host_bytes_needed(std::int64_t count, int dim, const options& o);

}  // namespace fdgd
