// What the flags of `fdgd minimize` and `fdgd trace` say, as read, and the descent options they give.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "fdgd/options.hpp"
#include "fdgd/summary.hpp"

namespace fdgd::cli {

/// The values of minimize's flags; trace fills the ones it shares (add_common_flags) and sets the rest.
struct minimize_args {
  std::string function, box, init_file, out, starts = "1000", precision_name = "f64", backend_name = "auto";
  std::optional<std::string> expression;  // given, even if empty
  int dim = 0;
  std::uint64_t seed = 0;
  bool starts_given = false;            // --starts on the command line, not its default
  bool seed_given = false;              // --seed on the command line
  const char* count_flag = "--starts";  // the option `starts` came from (trace: --sample)
  bool groups_minima = true;            // minimize groups the final points into distinct minima; trace does not
  double lr = options{}.lr, h = options{}.h, gtol = 0, cluster_tol = default_cluster_tol;  // the library's defaults
  std::string steps_text = std::to_string(options{}.steps);  // --steps, in --starts' forms (1000, 1e4, 2^10)
  std::int64_t steps = options{}.steps;                      // parsed from steps_text once the flags are read
  int threads = 0, top = default_top;
  bool json = false, quiet = false, dry_run = false;
};

/// The descent options the flags give (steps and gtol are the caller's).
inline options options_from(const minimize_args& a) {
  options o;
  o.lr = a.lr, o.h = a.h, o.threads = a.threads;
  o.prec = a.precision_name == "f32" ? precision::f32 : precision::f64;
  o.backend = a.backend_name == "cpu" ? backend_kind::cpu : a.backend_name == "cuda" ? backend_kind::cuda : backend_kind::automatic;
  return o;
}

}  // namespace fdgd::cli
