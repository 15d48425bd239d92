// The `fdgd` command: `fdgd minimize`, `fdgd trace` and `fdgd functions`. See README.md.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "args.hpp"
#include "fdgd/cuda_device.hpp"
#include "fdgd/detail/host_loop.hpp"
#include "fdgd/error.hpp"
#include "fdgd/io.hpp"
#include "fdgd/minimize.hpp"
#include "flags.hpp"
#include "objective_choice.hpp"
#include "parse.hpp"
#include "progress_bar.hpp"
#include "report.hpp"
#include "run_checks.hpp"
#include "starts_from_args.hpp"

namespace {

using namespace fdgd;
using fdgd::cli::minimize_args;
using fdgd::cli::usage_error;
using fdgd::cli::without_prefix;

/// "fdgd: error: WHAT" on stderr, on one line: its control bytes escaped (a newline typed in a value or
/// a file's name), but for an --expr mistake's `caret_lines`, the expression and a caret under the place.
void say_error(const std::string& what, bool caret_lines = false) {
  std::fprintf(stderr, "fdgd: error: %s\n", (caret_lines ? what : cli::controls_escaped(what)).c_str());
}

/// usage_error unless `out` ends in one of `allowed` (".csv", ".npy"), naming a bare ".csv".
void check_out_name(const std::string& out, const std::vector<std::string>& allowed) {
  const auto among = [&](const std::string& ext) { return std::find(allowed.begin(), allowed.end(), ext) != allowed.end(); };
  if (among(cli::extension(out))) return;
  const std::string name = std::filesystem::path(out).filename().string();
  const bool bare = !name.empty() && name[0] == '.' && among(cli::extension("x" + name));  // ".csv": a hidden file's name
  const std::string endings = allowed.size() == 1 ? allowed[0] : allowed[0] + " or " + allowed[1];
  throw usage_error("--out: '" + out + "' must be a file name ending in " + endings +
                    (bare ? " (a name that is only '" + name + "' is a hidden file's, with no extension: give it a name before it)"
                          : std::string()));
}

/// "24 paths of 300 steps, every 5 steps": what trace records, as its summary and its dry run say it.
std::string paths_text(std::int64_t paths, std::int64_t steps, std::int64_t every) {
  return fmt::format("{} path{} of {} step{}{}", paths, paths == 1 ? "" : "s", steps, steps == 1 ? "" : "s",
                     every < steps ? fmt::format(", every {} step{}", every, every == 1 ? "" : "s") : "");
}

/// --dry-run: the command checked as its run would check it (flags, starts, files, host memory, the
/// CUDA device asked for, the warnings), then what would run, as a line or (minimize) JSON; nothing is
/// run or written. `count` starts of dimension `dim`, `steps` steps each, writing up to `out_bytes` to
/// --out; for trace (`every` > 0), paths recorded every `every` steps, whose points it holds between stretches.
int say_dry_run(const minimize_args& a, const cli::objective_choice& b, std::int64_t count, int dim, std::int64_t steps, options o,
                double out_bytes, std::int64_t every = 0) {
  if (o.backend == backend_kind::cuda) require_cuda_device(o.cuda_device);
  const bool cuda = cli::goes_to_cuda(o);
  // What the run's result::device would say.
  const std::string device = cuda ? cuda_device_name(o.cuda_device) : detail::cpu_device_text(detail::cpu_threads(o));
  o.steps = steps;
  const double held = every > 0 ? cli::points_bytes(count, dim) : 0.0;
  const double bytes = cli::command_host_bytes(b, count, dim, o, held);
  // At most: final points that converge form few groups (check_host_memory's warning says the same).
  const double grouping = every == 0 && a.groups_minima ? grouping_bytes_needed(count, dim, o.threads, a.top) : 0.0;
  if (a.json) {
    const nlohmann::json j = {
        {"dry_run", true},
        {"function", b.label()},
        {"starts", count},
        {"dim", dim},
        {"steps", steps},
        {"backend", cuda ? "cuda" : "cpu"},
        {"device", device},
        {"host_bytes_needed", std::int64_t(std::ceil(bytes))},
        {"grouping_bytes_at_most", std::int64_t(std::ceil(grouping))},
        {"out", a.out.empty() ? nlohmann::json() : nlohmann::json(a.out)},
        {"out_bytes_at_most", a.out.empty() ? nlohmann::json() : nlohmann::json(std::int64_t(std::ceil(out_bytes)))}};
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  const std::string what = every > 0
                               ? paths_text(count, steps, every)
                               : fmt::format("{} start{}, {} step{}", count, count == 1 ? "" : "s", steps, steps == 1 ? "" : "s");
  fmt::print("dry run: {} at d = {}: {}, on {} ({}), about {} of host memory{}{}; nothing was run\n", cli::on_one_line(b.label()),
             dim, what, cuda ? "cuda" : "cpu", device, cli::bytes_text(bytes),
             grouping > 0 ? " (grouping the final points up to " + cli::bytes_text(grouping) + " more)" : "",
             a.out.empty() ? "" : "; --out " + a.out + " (up to " + cli::bytes_text(out_bytes) + ") not written");
  return 0;
}

int run_minimize(const minimize_args& a) {
  const cli::objective_choice b(a.function, a.expression);
  options o = cli::options_from(a);
  b.check_precision(o.prec);
  o.steps = a.steps, o.gtol = a.gtol == 0 ? 0.0 : a.gtol;  // --gtol -0 is off, as 0, and said so (not "gtol -0")
  o.validate();  // std::invalid_argument, reported as a usage error by main (before the memory check: status 2)
  if (!a.out.empty()) {
    check_out_name(a.out, {".csv", ".npy"});
    cli::check_out_folder(a.out);
  }
  int dim = 0;
  const starts s = cli::make_starts(a, b, dim);
  cli::warn_if_h_vanishes(o.h, o.prec, cli::largest_coordinate(s));
  cli::warn_if_gradient_is_quadratic(b, s.count(), dim, o);
  double out_bytes = 0;
  if (!a.out.empty()) {  // a row of x, f and |grad|, steps and status, under a header of 12 bytes a column at most; or
                         // of x and f, doubles, under .npy's 128 bytes
    const double n = double(s.count());
    const bool npy = cli::extension(a.out) == ".npy";
    const cli::row_bytes row = npy ? cli::row_bytes{8.0 * (dim + 1), 8.0 * (dim + 1)} : cli::csv_row_bytes(dim + 2, 2);
    out_bytes = (npy ? 128 : 12.0 * (dim + 4)) + n * row.most;
    cli::check_out_fits(a.out, n * row.least, out_bytes, fmt::format("the {} trajectories", s.count()));
  }
  if (a.dry_run) return say_dry_run(a, b, s.count(), dim, o.steps, o, out_bytes);
  cli::progress_bar bar(!a.quiet && ::isatty(2), s.count(), o.steps, o.gtol > 0);
  if (bar.enabled()) {
    o.steps_per_launch = cli::steps_a_launch_shown(o.steps, s.count(), dim, cli::goes_to_cuda(o));
    o.on_progress = [&bar](const progress& p) { bar.update(p); };
  }
  result r;
  try {
    r = b.run(s, o);
  } catch (const std::bad_alloc&) {
    throw cli::not_enough_memory(s.count(), dim, b.host_bytes_needed(s.count(), dim, o), cli::count_source(a));
  }
  // Where --out cannot be written (a disk filled since the check), the summary is still printed: then
  // all that is left of the run, it comes before the error.
  std::string unwritten;
  if (!a.out.empty()) {
    bar.say(fmt::format("writing the {} trajectories to {}", r.count, a.out));
    try {
      if (cli::extension(a.out) == ".npy") {
        write_npy(a.out, r);
      } else {
        write_csv(a.out, r);
      }
    } catch (const error& e) {
      unwritten = without_prefix(e.what());
    } catch (const std::bad_alloc&) {
      unwritten = "out of memory writing " + a.out;
    }
  }
  const bool written = !a.out.empty() && unwritten.empty();
  if (a.groups_minima) bar.say(fmt::format("grouping the {} final points into distinct minima", r.count));
  cli::run_summary summary;
  try {
    summary = cli::summarize_run(r, {b.label(), b.builtin(), o, a.cluster_tol, a.top, &s});
  } catch (const std::bad_alloc&) {  // not foreseen by check_host_memory: memory taken by others since
    throw error(fmt::format("out of memory grouping the {} final points into distinct minima{}", r.count,
                            written ? "; the run's results are in " + a.out : ""));
  }
  bar.finish();
  if (a.groups_minima)
    cli::warn_if_noise_splits_minima(summary.minima, summary.fields.value("grouped", std::int64_t(0)), r.dim, o, a.cluster_tol);
  if (a.json) {
    cli::write_json(stdout, summary);
  } else {
    cli::write_text(stdout, summary);
    if (written) fmt::print("written: the {} trajectories to {}\n", r.count, a.out);  // as trace says it
  }
  if (!unwritten.empty()) {
    std::fflush(stdout);  // the summary before the error, where both go to one file
    throw error(unwritten + " (the trajectories are not saved: the summary is all the run left)");
  }
  return 0;
}

/// `fdgd trace`: the path of chosen starts, recorded every `every` steps. The descent runs in
/// stretches of `every` steps, each from where the last ended: the same bits as one continuous run.
int run_trace(const minimize_args& a, const std::vector<std::string>& start_texts, std::int64_t sample, std::int64_t every) {
  const cli::objective_choice b(a.function, a.expression);
  if (a.out.empty()) throw usage_error("--out is required: trace writes the paths to a .csv file");
  check_out_name(a.out, {".csv"});
  if (!start_texts.empty() && sample != 0) throw usage_error("--start and --sample exclude each other");
  if (start_texts.empty() && sample == 0) throw usage_error("give the starts with --start (repeatable) or --sample K");
  options o = cli::options_from(a);  // its mistakes before --sample's memory check: status 2
  b.check_precision(o.prec);
  o.validate();
  int dim = 0;
  std::vector<double> points;
  std::optional<starts> given;  // --start's points, or --sample's starts, drawn where used (a dry run never draws them)
  if (!start_texts.empty()) {
    for (const auto& text : start_texts) {
      const std::vector<double> point = cli::parse_point("--start", text);
      const int count = int(point.size());
      points.insert(points.end(), point.begin(), point.end());
      if (dim && count != dim)
        throw usage_error(
            fmt::format("--start: '{}' has {} coordinate{}, the first had {}", text, count, count == 1 ? "" : "s", dim));
      dim = count;
    }
  } else {
    minimize_args batch = a;
    batch.starts = std::to_string(sample);
    batch.count_flag = "--sample";
    batch.groups_minima = false;
    // Beside a run's own needs, the trace holds the paths' points between stretches.
    given.emplace(cli::make_starts(batch, b, dim, true));
  }
  if (!start_texts.empty()) {
    const std::string coordinates = fmt::format("{} coordinate{}", dim, dim == 1 ? "" : "s");
    if (a.dim && a.dim != dim) throw usage_error(fmt::format("--dim {} but --start has {}", a.dim, coordinates));
    // "--start 1 2" is two 1-D starts (values are separated by spaces, coordinates by commas): most
    // likely one start meant, where the objective's own dimension is not 1 (or it has none).
    // An expression's own dimension is its highest x + 1: none where it has d, sums or products, or no x.
    const auto expression_dim = [&]() -> std::optional<int> {
      if (b.dim_from_outside()) return std::nullopt;
      try {
        return b.dim(0);
      } catch (const usage_error&) {  // it names no coordinate
        return std::nullopt;
      }
    };
    const std::optional<int> own = b.builtin() ? std::optional<int>(b.dim(0)) : expression_dim();
    const bool takes_1 = b.builtin() ? b.builtin()->dim_problem(1).empty() : !own;
    if (!a.dim && dim == 1 && start_texts.size() > 1 && own != 1)
      throw usage_error(
          fmt::format("--start: {} starts of 1 coordinate ({}; coordinates are separated by commas: one start is "
                      "--start {}){}",
                      start_texts.size(), fmt::join(start_texts, " "), fmt::join(start_texts, ","),
                      takes_1 ? "; give --dim 1 for 1-D starts" : ""));
    cli::check_given_dim(b, a.dim, dim, "--start: " + coordinates, "");
  }
  cli::check_out_folder(a.out);

  const char* flag = start_texts.empty() ? "--sample" : "--start";
  // The points as given, one set of starts named by its flag for the checks (a dry run's too).
  if (!given) given.emplace(cli::named_starts(flag, o.prec, [&] { return starts::given(std::move(points), dim); }));
  const std::int64_t paths = given->count();
  std::vector<std::string> header = {"start", "step"};
  for (int j = 0; j < dim; ++j) header.push_back("x" + std::to_string(j));
  header.push_back("f");
  double out_bytes = 0;  // at most
  {
    options all_steps = o;  // the trace's stretches take a.steps in all
    all_steps.steps = a.steps;
    cli::warn_if_gradient_is_quadratic(b, paths, dim, all_steps);
    const double rows = double(paths) * (std::ceil(double(a.steps) / double(every)) + 1);
    // A path that stops (nonfinite) ends its rows: only the starts' own rows are sure to be written.
    const cli::row_bytes row = cli::csv_row_bytes(dim + 1, 2);
    out_bytes = 12.0 * (dim + 3) + rows * row.most;
    cli::check_out_fits(a.out, double(paths) * row.least, out_bytes, fmt::format("the trace's {:.3g} rows", rows));
  }
  cli::warn_if_h_vanishes(o.h, o.prec, cli::largest_coordinate(*given));
  if (a.dry_run) return say_dry_run(a, b, paths, dim, a.steps, o, out_bytes, every);
  // Rows go to the file as they are made: a long trace of many starts would not fit in memory.
  csv_writer out(a.out, header);
  std::vector<double> row(std::size_t(dim) + 3);
  auto record = [&](const result& r, std::int64_t i, std::int64_t step) {
    row[0] = double(i);
    row[1] = double(step);
    for (int j = 0; j < dim; ++j) row[std::size_t(j) + 2] = r.x[std::size_t(i * dim + j)];
    row[std::size_t(dim) + 2] = r.f[std::size_t(i)];
    out.row(row.data(), dim + 3);
  };
  std::int64_t live = paths, last_stop = 0;  // paths not stopped; the step the last to stop stopped at
  std::vector<trajectory_status> ended;      // each path's status where its rows end
  // Held at once: the points, or the starts made of them, and one stretch's result (a bad_alloc beyond
  // what check_host_memory foresaw is named as minimize's is).
  try {
    {
      // The first evaluation from the points as given; the stretches then go on from its x, the same
      // numbers (in f32 rounded as every run rounds them).
      o.steps = 0;
      result first = b.run(*given, o);
      given.reset();
      for (std::int64_t i = 0; i < paths; ++i) record(first, i, 0);
      ended.assign(first.status.begin(), first.status.end());
      points.assign(first.x.begin(), first.x.end());
    }
    // A path that stops (nonfinite: trace has no gtol, so only a step that would leave the finite numbers
    // stops one short of the stretch) ends with the row of the step it stopped at: later stretches would
    // only repeat its point.
    // Once every path has stopped, the trace ends: the stretches left would record nothing.
    std::vector<char> stopped(std::size_t(paths), 0);
    for (std::int64_t done = 0; done < a.steps && live > 0;) {
      o.steps = std::min(every, a.steps - done);
      const result r = b.run(starts::given(std::move(points), dim), o);
      for (std::int64_t i = 0; i < paths; ++i) {
        if (stopped[std::size_t(i)]) continue;
        ended[std::size_t(i)] = r.status[std::size_t(i)];
        const std::int64_t steps = r.steps[std::size_t(i)];
        stopped[std::size_t(i)] = steps < o.steps;
        if (!stopped[std::size_t(i)] || steps > 0) record(r, i, done + steps);  // stopped at once: where its last row is
        if (stopped[std::size_t(i)]) --live, last_stop = std::max(last_stop, done + steps);
      }
      done += o.steps;
      points.assign(r.x.begin(), r.x.end());
    }
  } catch (const std::bad_alloc&) {
    throw cli::not_enough_memory(paths, dim, cli::command_host_bytes(b, paths, dim, o, cli::points_bytes(paths, dim)), flag);
  }
  out.commit();
  fmt::print("{}: {}, written to {}\n", cli::on_one_line(b.label()), paths_text(paths, a.steps, every), a.out);
  // Where the paths ended, unless all took every step: the file has no status column.
  std::string statuses;
  for (const trajectory_status st : {trajectory_status::finished, trajectory_status::unresolved, trajectory_status::nonfinite})
    if (const auto n = std::count(ended.begin(), ended.end(), st); n > 0)
      statuses += fmt::format("{}{} {}", statuses.empty() ? "" : ", ", n, to_string(st));
  if (std::count(ended.begin(), ended.end(), trajectory_status::finished) != paths)
    fmt::print("  status at the end: {}{}\n", statuses,
               live == 0 && a.steps > 0 ? fmt::format(" (every path stopped, the last at step {})", last_stop) : "");
  if (std::count(ended.begin(), ended.end(), trajectory_status::unresolved) > 0)
    fmt::print(
        "  the unresolved ended where some x_i + h and x_i - h are the same number, x_i frozen there: they diverged (a\n"
        "  smaller --lr) or --h is too small\n");
  return 0;
}

int run_functions() {
  for (const auto& b : builtin_functions()) {
    const int d = b.fixed_dim ? b.fixed_dim : 2;
    const search_box box = b.box(d);
    const known_minimum m = b.minimum(d);
    std::string where;
    for (std::size_t j = 0; j < m.points[0].size(); ++j) where += fmt::format("{}{:.10g}", j ? ", " : "", m.points[0][j]);
    fmt::print("{:<16} {:<12} box [{}, {}]{}  minimum {:.10g} at ({}){}\n", b.name,
               b.fixed_dim ? fmt::format("{}-D", b.fixed_dim) : fmt::format("any d >= {}", b.min_dim), box.lo[0], box.hi[0],
               b.fixed_dim ? (box.lo[1] != box.lo[0] ? fmt::format(" x [{}, {}]", box.lo[1], box.hi[1]) : "^2") : "^d", m.value,
               where,
               m.points.size() > 1 ? fmt::format(" and {} more", m.points.size() - 1) : (b.fixed_dim ? "" : " (d = 2 shown)"));
    fmt::print("    --expr \"{}\"\n", b.formula);
  }
  return 0;
}

}  // namespace

/// A standard stream closed at the start (`>&-`) would be the next file opened, an --out's temporary
/// file, which the summary or a warning would then be written into: each is held by /dev/null instead.
/// Whether standard output was closed, which with_stdout_checked still reports.
bool hold_closed_standard_streams() {
  bool stdout_closed = false;
  int null = -1;
  for (int fd = 0; fd <= 2; ++fd)
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      stdout_closed = stdout_closed || fd == 1;
      if (null < 0) null = ::open("/dev/null", O_RDWR);
      if (null >= 0 && null != fd) ::dup2(null, fd);  // dup2, not the next open: one that failed would shift the rest
    }
  if (null > 2) ::close(null);
  return stdout_closed;
}

/// Output that could not be written (stdout on a full disk) is a failed run, not a silent exit 0; a
/// run that failed already has said so, once.
int with_stdout_checked(int status, bool stdout_closed) {
  if (status != 0) return status;
  if (stdout_closed) {
    std::fprintf(stderr, "fdgd: error: could not write to standard output: %s\n", std::strerror(EBADF));
    return 1;
  }
  const bool flushed = std::fflush(stdout) == 0;
  const int e = errno;
  if (flushed && !std::ferror(stdout)) return status;
  std::fprintf(stderr, "fdgd: error: could not write to standard output: %s\n", std::strerror(flushed ? EIO : e));
  return 1;
}

int run_command(int argc, char** argv) {
  CLI::App app{"fdgd: batch gradient descent with central-difference gradients, from many starts at once"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fdgd " FDGD_VERSION "\n" FDGD_BUILD_FACTS);
  // CLI11 says only "A subcommand is required" when the command is mistyped or missing, or an option comes first.
  if (argc == 1) {
    say_error("give a command: minimize, trace or functions (fdgd --help describes them)");
    return 2;
  }
  const std::string first = argv[1];
  const bool option = first[0] == '-';
  // CLI11 prints the version where it meets the flag, whatever else is given: it comes alone.
  if (first.rfind("--version=", 0) == 0) {
    say_error("--version takes no value: give --version alone");
    return 2;
  }
  if (std::vector<std::string> rest(argv + 1, argv + argc); option && rest.size() > 1) {
    if (const auto v = std::find(rest.begin(), rest.end(), "--version"); v != rest.end()) {
      rest.erase(v);
      say_error("--version: not expected beside it: " + cli::words_as_given(rest) + " (give --version alone)");
      return 2;
    }
  }
  if (option ? first != "-h" && first != "--help" && first != "--version"
             : first != "minimize" && first != "trace" && first != "functions") {
    say_error(fmt::format("{} '{}' (the command comes first: minimize, trace or functions)",
                          option ? "unknown option" : "unknown command", std::string(first, 0, 40)));
    return 2;
  }
  minimize_args a;
  auto* m = app.add_subcommand("minimize", "minimize a built-in function or an expression from a batch of starts");
  cli::add_common_flags(m, a);
  cli::add_value(m, "--starts", a.starts, "number of starts: 1000, 1e6, 2^20 (default 1000)");
  cli::add_value(m, "--init-file", a.init_file, "the starts themselves: .csv (one per row) or .npy (N x d)");
  cli::add_value(m, "--gtol", a.gtol, "stop a start once |grad| <= gtol (default 0: off)")
      ->transform(cli::a_number.description("0 or from 2^-511 (2^-63 in f32)"));
  cli::add_value(m, "--out", a.out, "write every trajectory: .csv or .npy");
  cli::add_value(
      m, "--cluster-tol", a.cluster_tol,
      fmt::format(
          "side of the cells final points are grouped in (the points that converged to one minimum, spread less than "
          "tol/(d+1) along every axis, share a group), and how near a minimizer along every axis a start must end to count as "
          "reaching it (default {})",
          default_cluster_tol))
      ->transform(cli::positive_finite);
  cli::add_value(m, "--top", a.top, fmt::format("distinct minima to list (default {})", default_top))
      ->transform(cli::whole_number(1, cli::int_max));
  m->add_flag("--json", a.json, "print the summary as one JSON object")->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  m->add_flag("--quiet", a.quiet, "no progress line on stderr (shown only on a terminal, after 1 s)")
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
  auto* f = app.add_subcommand("functions", "list the built-in functions");
  minimize_args ta;
  std::vector<std::string> trace_starts;
  std::string trace_sample;       // in --starts' forms (1000, 1e3, 2^10)
  std::string trace_every = "1";  // in --steps' forms
  auto* t = app.add_subcommand("trace", "record the paths of chosen starts to a CSV (start,step,x0,...,f)");
  cli::add_common_flags(t, ta);
  cli::add_value(t, "--start", trace_starts, "a start x0,x1,... (repeatable)");
  cli::add_value(t, "--sample", trace_sample, "or: this many starts drawn from the box (--dim, --box, --seed): 100, 1e3, 2^10");
  cli::add_value(t, "--every", trace_every, "record every k steps: 10, 1e3, 2^10 (default 1)");
  // Required, but asked after parsing: CLI11 would name it before a mistyped flag ("--stpes 5").
  cli::add_value(t, "--out", ta.out, "the CSV to write (required)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::printf("%s\n", e.what());
    return 0;
  } catch (const CLI::ParseError& e) {
    const auto parsed = app.get_subcommands();
    const CLI::App* command = parsed.empty() ? nullptr : parsed[0];
    const std::string valueless = command ? cli::option_without_value(*command, argc, argv) : "";
    say_error(valueless.empty() ? cli::plain_parse_error(e.what(), command) : valueless);
    return 2;
  }
  // Parsed, yet a text option may have taken the option after it as its value ("--out --json").
  for (const CLI::App* command : app.get_subcommands())
    if (const std::string valueless = cli::option_without_value(*command, argc, argv); !valueless.empty()) {
      say_error(valueless);
      return 2;
    }
  try {
    if (f->parsed()) return run_functions();
    if (t->parsed()) {
      // With --start these only shape starts that are not drawn: refused rather than silently ignored.
      for (const char* flag : {"--box", "--seed"})
        if (!trace_starts.empty() && t->count(flag))
          throw usage_error(std::string(flag) + " shapes the starts --sample draws; it has no use with --start");
      ta.steps = cli::parse_count("--steps", ta.steps_text, 0);
      return run_trace(ta, trace_starts, trace_sample.empty() ? 0 : cli::parse_count("--sample", trace_sample),
                       cli::parse_count("--every", trace_every));
    }
    a.starts_given = m->count("--starts") > 0;
    a.seed_given = m->count("--seed") > 0;
    a.steps = cli::parse_count("--steps", a.steps_text, 0);
    return run_minimize(a);
  } catch (const usage_error& e) {
    const std::string what = e.what();
    say_error(what, what.rfind("--expr: ", 0) == 0);
    return 2;
  } catch (const std::invalid_argument& e) {  // the library's option checks: "invalid option lr = -1 (...)"
    std::string what = without_prefix(e.what());
    if (what.rfind("invalid option ", 0) == 0) what = "--" + what.substr(15);
    say_error(what);
    return 2;
  } catch (const std::bad_alloc&) {
    std::fputs("fdgd: error: out of memory\n", stderr);
    return 1;
  } catch (const std::exception& e) {
    say_error(without_prefix(e.what()));
    return 1;
  }
}

int main(int argc, char** argv) {
  // A write past `ulimit -f` then fails with "File too large", named, instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  remove_unfinished_files_on_signals();  // an interrupted --out leaves no temporary file behind
  const bool stdout_closed = hold_closed_standard_streams();
  return with_stdout_checked(run_command(argc, argv), stdout_closed);
}
