#include "report.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

#include "fdgd/detail/cell_grid.hpp"

namespace fdgd::cli {

run_summary summarize_run(const result& r, const run_context& c) {
  const double traj_steps = [&] {
    double total = 0;
    for (const auto s : r.steps) total += double(s);
    return total;
  }();
  nlohmann::json s;
  s["function"] = c.function;
  s["backend"] = r.backend;
  s["device"] = r.device;
  s["starts"] = r.count;
  if (c.batch && c.batch->is_generated()) {
    s["seed"] = c.batch->seed();
    s["box"] = {{"lo", c.batch->lo()}, {"hi", c.batch->hi()}};
  }
  s["dim"] = r.dim;
  s["lr"] = c.opt.lr;
  s["h"] = c.opt.h;
  s["steps"] = c.opt.steps;
  s["gtol"] = c.opt.gtol;
  s["precision"] = c.opt.prec == precision::f64 ? "f64" : "f32";
  s["seconds"] = r.seconds;
  s["descent_seconds"] = r.descent_seconds;
  s["compile_seconds"] = r.compile_seconds;
  s["trajectory_steps_per_second"] = r.seconds > 0 ? traj_steps / r.seconds : 0.0;
  // The reference's 2d evaluations a step, as a comparable rate; the gradient may compute less (same bits).
  s["f_evaluations_per_second"] = r.seconds > 0 ? traj_steps * 2 * r.dim / r.seconds : 0.0;
  s["status"] = {{"finished", r.finished},
                 {"converged", r.converged},
                 {"stalled", r.stalled},
                 {"unresolved", r.unresolved},
                 {"nonfinite", r.nonfinite}};
  // Finished yet still moving more than a cell's side a step: their final points are no minima yet.
  std::int64_t moving = 0;
  if (c.opt.steps > 0)
    for (std::size_t i = 0; i < std::size_t(r.count); ++i)
      moving += r.status[i] == trajectory_status::finished && !(c.opt.lr * r.grad_norm[i] <= c.cluster_tol);
  s["still_moving"] = moving;
  if (r.best >= 0) {
    const auto b = std::size_t(r.best);
    s["best"] = {{"index", r.best},
                 {"f", r.f[b]},
                 {"x", std::vector<double>(r.x.begin() + std::ptrdiff_t(b * std::size_t(r.dim)),
                                           r.x.begin() + std::ptrdiff_t((b + 1) * std::size_t(r.dim)))}};
  } else {
    s["best"] = nullptr;
  }
  s["cluster_tol"] = c.cluster_tol;
  s["top"] = c.top;
  const auto t0 = std::chrono::steady_clock::now();
  minima_totals totals;
  std::vector<minimum_group> minima = distinct_minima(r, c.cluster_tol, c.top, backend_kind::automatic, c.opt.threads, &totals);
  s["grouped_on"] = totals.grouped_on == backend_kind::cuda ? "cuda" : "cpu";
  s["minima_total"] = totals.groups;
  s["grouped"] = totals.grouped;
  s["grouping_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (c.builtin) {
    const known_minimum m = c.builtin->minimum(r.dim);
    const double share = share_reaching(r, m, c.cluster_tol, c.opt.threads);
    s["known_minimum"] = {{"f", m.value}, {"share_reached", share}, {"reached", std::llround(share * double(r.count))}};
  }
  return {std::move(s), std::move(minima)};
}

namespace {
void put(std::FILE* out, const std::string& text) {
  if (std::fputs(text.c_str(), out) == EOF)  // named here, while errno still says why (a closed pipe)
    throw error(std::string("could not write to standard output: ") + std::strerror(errno));
}

/// A value's dump(2) as it reads nested `depth` levels deep in one.
std::string nested(const nlohmann::json& value, int depth) {
  std::string text = value.dump(2), out;
  out.reserve(text.size());
  for (const char ch : text) {
    out += ch;
    if (ch == '\n') out.append(std::size_t(2 * depth), ' ');
  }
  return out;
}

void write_minima(std::FILE* out, const std::vector<minimum_group>& minima) {
  if (minima.empty()) return put(out, "[]");
  put(out, "[");
  for (std::size_t k = 0; k < minima.size(); ++k) {
    const auto& g = minima[k];
    const nlohmann::json one = {{"f", g.f}, {"count", g.count}, {"share", g.share}, {"x", g.x}};
    put(out, (k ? ",\n    " : "\n    ") + nested(one, 2));
  }
  put(out, "\n  ]");
}
}  // namespace

void write_json(std::FILE* out, const run_summary& s) {
  nlohmann::json fields = s.fields;
  fields["minima"] = nullptr;  // its place among the keys, in nlohmann's order
  std::string separator = "{\n  ";
  for (const auto& [name, value] : fields.items()) {
    put(out, separator + nlohmann::json(name).dump() + ": ");
    separator = ",\n  ";
    if (name == "minima") {
      write_minima(out, s.minima);
    } else {
      put(out, nested(value, 1));
    }
  }
  put(out, "\n}\n");
}

namespace {
/// A share as a percentage with three decimals, or two significant digits below 0.001% (1 start of 10^6
/// read 0.000%, as none did).
std::string percent(double share) {
  const double p = 100 * share;
  if (p == 0) return "0%";
  if (p < 0.001) return fmt::format("{:.2g}%", p);
  // Nor does a share short of all read 100.000% (299999 starts of 300000): more decimals then.
  std::string text = fmt::format("{:.3f}", p);
  for (int decimals = 4; p < 100 && text.rfind("100.", 0) == 0 && decimals <= 17; ++decimals)
    text = fmt::format("{:.{}f}", p, decimals);
  return text + "%";
}

/// A result value of the run for the text: the shortest digits that read back as it, in f32 those of
/// the float it is (1.8205614e-07, not the double 1.820561408294452e-07; --json and --out keep the double).
std::string value(double v, bool f32) { return f32 ? fmt::format("{}", float(v)) : fmt::format("{}", v); }

/// A point for the text, to 10 digits (in f32, a float's shortest, at most 9): of more than 32
/// coordinates, the first 16 (--json and --out have them all).
std::string point(const std::vector<double>& x, bool f32) {
  const std::size_t shown = x.size() > 32 ? 16 : x.size();
  std::string out = "(";
  for (std::size_t j = 0; j < shown; ++j)
    out += fmt::format("{}{}", j ? ", " : "", f32 ? value(x[j], true) : fmt::format("{:.10g}", x[j]));
  if (shown < x.size()) out += fmt::format(", ... and {} more", x.size() - shown);
  return out + ")";
}

/// "#2 (of #1), #5 (of #3)": the minima listed within tol of a better one along every axis, most often
/// one minimum whose final points had not all settled (booth at 500 steps: two groups 4e-4 apart).
/// Among the first 1000 listed: the pairs are compared whole.
std::string near_better(const std::vector<minimum_group>& minima, double tol) {
  std::string out;
  const std::size_t checked = std::min<std::size_t>(minima.size(), 1000);
  for (std::size_t k = 1; k < checked; ++k)
    for (std::size_t j = 0; j < k; ++j) {
      const auto& a = minima[k].x;
      const auto& b = minima[j].x;
      bool near = a.size() == b.size();
      for (std::size_t i = 0; near && i < a.size(); ++i) near = std::fabs(a[i] - b[i]) <= tol;
      if (near) {
        out += fmt::format("{}#{} (of #{})", out.empty() ? "" : ", ", k + 1, j + 1);
        break;
      }
    }
  return out;
}
}  // namespace

std::string on_one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }, ' ');
  return text;
}

void write_text(std::FILE* file, const run_summary& summary) {
  const nlohmann::json& s = summary.fields;
  const std::string function = on_one_line(s["function"].get<std::string>());
  const bool f32 = s["precision"] == "f32";
  std::string out;
  const std::string seed = s.contains("seed") ? fmt::format(" (seed {})", s["seed"].get<std::uint64_t>()) : "";
  const long long starts = s["starts"].get<long long>();
  out += fmt::format("{}: {} start{}{}, d = {}, on {} ({})\n", function, starts, starts == 1 ? "" : "s", seed, s["dim"].get<int>(),
                     s["backend"].get<std::string>(), s["device"].get<std::string>());
  const long long steps = s["steps"].get<long long>();
  out += fmt::format("descent: lr {}, h {}, {} step{}, gtol {}, {}\n", s["lr"].get<double>(), s["h"].get<double>(), steps,
                     steps == 1 ? "" : "s", s["gtol"].get<double>(), s["precision"].get<std::string>());
  out += fmt::format("time: {:.3f} s (the descent {:.3f} s), {:.3g} trajectory-steps/s, {:.3g} f-evaluations/s\n",
                     s["seconds"].get<double>(), s["descent_seconds"].get<double>(), s["trajectory_steps_per_second"].get<double>(),
                     s["f_evaluations_per_second"].get<double>());
  if (s["compile_seconds"].get<double>() >= 0.005)  // what rounds to 0.00 s is left out
    out += fmt::format("      (before it: {:.2f} s compiling the expression)\n", s["compile_seconds"].get<double>());
  if (s["grouping_seconds"].get<double>() >= 0.1)
    out += fmt::format("      (after it: {:.2f} s grouping the final points into distinct minima)\n",
                       s["grouping_seconds"].get<double>());
  const auto& status = s["status"];
  out += fmt::format("status: {} finished, {} converged, {} stalled, {} unresolved, {} nonfinite\n",
                     status["finished"].get<long long>(), status["converged"].get<long long>(), status["stalled"].get<long long>(),
                     status["unresolved"].get<long long>(), status["nonfinite"].get<long long>());
  if (status["unresolved"].get<long long>() > 0) {
    const int digits = f32 ? 24 : 53;  // x_i + h rounds to x_i - h from 2^digits h to twice that
    out += fmt::format(
        "  {} ended where some x_i + h and x_i - h are the same number (|x_i| from about 2^{} h = {:.2g} on):\n"
        "  the gradient there is 0 whatever f does; they diverged (a smaller --lr) or --h is too small\n",
        status["unresolved"].get<long long>(), digits, std::ldexp(s["h"].get<double>(), digits));
  }
  if (const long long moving = s["still_moving"].get<long long>(); moving > 0)
    out += fmt::format(
        "  {} of the finished still moving: a next step would move them by lr |grad| > {} (--cluster-tol), so their\n"
        "  final points have not settled and may be counted apart below: more --steps, or a smaller --lr where they\n"
        "  oscillate (lr times f's curvature above 2), or a larger --h where rounding f moves them\n",
        moving, s["cluster_tol"].get<double>());
  if (s["best"].is_null()) {
    out += detail::no_best_line;
  } else {
    out += fmt::format("best: f = {} at start {}, x = {}\n", value(s["best"]["f"].get<double>(), f32),
                       s["best"]["index"].get<long long>(), point(s["best"]["x"].get<std::vector<double>>(), f32));
  }
  const double tol = s["cluster_tol"].get<double>();
  const long long total = s["minima_total"].get<long long>(),
                  left_out = s["starts"].get<long long>() - s["grouped"].get<long long>();
  const auto& minima = summary.minima;
  if (minima.empty()) {
    out += "distinct minima: none\n";
  } else {
    const std::string listed = std::size_t(total) > minima.size() ? fmt::format(", the best {}", minima.size()) : "";
    out += fmt::format("distinct minima: {} (final points grouped in cells of side {}){}, best first:\n", total, tol, listed);
    out += fmt::format("  {:>3}  {:>22}  {:>10}  {:>8}  x\n", "#", "f", "count", "share");
  }
  put(file, out);
  out.clear();
  int k = 0;
  for (const auto& g : minima)
    put(file,
        fmt::format("  {:>3}  {:>22}  {:>10}  {:>8}  {}\n", ++k, value(g.f, f32), g.count, percent(g.share), point(g.x, f32)));
  if (const std::string near = near_better(minima, tol); !near.empty())
    out += fmt::format(
        "  {} within {} (--cluster-tol) of a better one along every axis: likely the same minimum, with final\n"
        "  points not yet settled (more --steps)\n",
        near, tol);
  if (left_out > 0)
    out +=
        fmt::format("  {} start{} in no group: nonfinite or unresolved, with f not finite, or beyond {:g} x {} from the origin\n",
                    left_out, left_out == 1 ? "" : "s", detail::grid_reach, tol);
  if (s.contains("known_minimum"))
    out +=
        fmt::format("global minimum {:.10g} reached by {} of starts ({}; final point within {} of a minimizer along every axis)\n",
                    s["known_minimum"]["f"].get<double>(), percent(s["known_minimum"]["share_reached"].get<double>()),
                    s["known_minimum"]["reached"].get<long long>(), tol);
  put(file, out);
}

}  // namespace fdgd::cli
