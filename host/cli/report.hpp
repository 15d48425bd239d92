// The summary of a `fdgd minimize` run, built once as JSON and rendered as text from it.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "fdgd/minimize.hpp"
#include "fdgd/summary.hpp"

namespace fdgd::cli {

struct run_context {
  std::string function;
  const builtin_info* builtin;  // for the known minimum
  options opt;
  double cluster_tol;
  int top;
  std::optional<std::uint64_t> seed;  // of generated starts, to reproduce the run; none for given ones
};

nlohmann::json summary_json(const result& r, const run_context& c);
std::string summary_text(const nlohmann::json& s);

}  // namespace fdgd::cli
