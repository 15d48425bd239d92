// The summary of a `fdgd minimize` run: its fields built once as JSON, its distinct minima kept as
// found, and both written as JSON or as text one minimum at a time (a --top of millions would
// otherwise hold each minimum several times over as JSON values and as the text made of them).
#pragma once
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fdgd/minimize.hpp"
#include "fdgd/summary.hpp"

namespace fdgd::cli {

struct run_context {
  std::string function;
  const builtin_info* builtin;  // for the known minimum
  options opt;
  double cluster_tol;
  int top;
  const starts* batch = nullptr;  // generated ones' seed and box reproduce the run: into the JSON
};

struct run_summary {
  nlohmann::json fields;              // every field of the JSON but "minima"
  std::vector<minimum_group> minima;  // the listed ones, best first
};

run_summary summarize_run(const result& r, const run_context& c);

/// The summary as one JSON object (nlohmann's dump(2) of it, with "minima" in its place), or as text.
/// Both throw fdgd::error naming standard output where a write fails.
void write_json(std::FILE* out, const run_summary& s);
void write_text(std::FILE* out, const run_summary& s);

/// A function's text as a summary line shows it: an expression typed over several lines (or with tabs,
/// form feeds) on one, each such character a space.
std::string on_one_line(std::string text);

}  // namespace fdgd::cli
