// The starts the command line gives: drawn in a box (--starts or trace's --sample, --box, --seed) or
// read from an --init-file, checked against the objective, and named by where they came from in messages.
#pragma once
#include <stdexcept>
#include <string>

#include "args.hpp"
#include "fdgd/detail/host_loop.hpp"
#include "fdgd/options.hpp"
#include "fdgd/starts.hpp"
#include "objective_choice.hpp"
#include "parse.hpp"

namespace fdgd::cli {

/// What sets the number of starts, for messages: --starts (trace: --sample) or the --init-file.
const char* count_source(const minimize_args& a);

/// make(), with the starts' own checks (and, for a single-precision run, their range) named by where
/// the starts came from: "--init-file: FILE: start 3 coordinate 1 is not finite".
template <class Make>
starts named_starts(const std::string& source, precision prec, Make&& make) {
  try {
    starts s = make();
    if (prec == precision::f32) detail::check_fits_single_precision(s);
    return s;
  } catch (const std::invalid_argument& e) {
    std::string what = without_prefix(e.what());
    if (const std::string lead = "invalid starts: "; what.rfind(lead, 0) == 0) what.erase(0, lead.size());
    if (source == "--box" && what.rfind("box ", 0) == 0) throw usage_error("--" + what);  // not "--box: box coordinate 0"
    throw usage_error(source + ": " + what);
  }
}

/// Starts of `dim` coordinates given from `source` (an --init-file, --start), checked against the
/// objective: where --dim was given (`dim_given`, equal to dim), as any dimension; else an expression
/// whose coordinates imply another dimension is refused, with the --dim that would run it anyway and
/// the `hint` that follows it.
void check_given_dim(const objective_choice& b, int dim_given, int dim, const std::string& source, const std::string& hint);

/// The starts `a` gives for objective `b`, from its --init-file or drawn in its box (else the function's),
/// with `dim` set to their dimension; refused before anything large is allocated where the run would not
/// fit in host memory (check_host_memory). With `points_held_beside` (trace's --sample), the caller
/// will hold a copy of the starts' points beside the run, and the check counts it.
starts make_starts(const minimize_args& a, const objective_choice& b, int& dim, bool points_held_beside = false);

}  // namespace fdgd::cli
