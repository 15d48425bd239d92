// The `fdgd` command: `fdgd minimize`, `fdgd trace` and `fdgd functions`. See README.md.
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <string>

#include "../expression/names.hpp"
#include "../io/atomic_file.hpp"
#include "fdgd/detail/host_loop.hpp"
#include "fdgd/detail/number_text.hpp"
#include "fdgd/error.hpp"
#include "fdgd/io.hpp"
#include "fdgd/minimize.hpp"
#include "fdgd/summary.hpp"
#include "objective_choice.hpp"
#include "parse.hpp"
#include "progress_bar.hpp"
#include "report.hpp"

namespace {

using namespace fdgd;
using fdgd::cli::usage_error;

struct minimize_args {
  std::string function, box, init_file, out, starts = "1000", precision_name = "f64", backend_name = "auto";
  std::optional<std::string> expression;  // given, even if empty
  int dim = 0;
  std::uint64_t seed = 0;
  bool starts_given = false;            // --starts on the command line, not its default
  bool seed_given = false;              // --seed on the command line
  const char* count_flag = "--starts";  // the option `starts` came from (trace: --sample)
  bool groups_minima = true;            // minimize groups the final points into distinct minima; trace does not
  double lr = 0.01, h = 1e-4, gtol = 0, cluster_tol = 1e-3;
  std::string steps_text = "100";  // --steps, in --starts' forms (1000, 1e4, 2^10)
  std::int64_t steps = 100;        // parsed from steps_text once the flags are read
  int threads = 0, top = 10;
  bool json = false, quiet = false;
};

using fdgd::cli::without_prefix;

/// A number for which ok(value) holds, else "<text> must be <rule>" (CLI11's own range checks print
/// their bound as a 300-digit double). Decimal only, as --starts and --box read numbers: CLI11 alone
/// would also take hexadecimal and surrounding spaces, and read 1e-400 as 0. The text is rewritten
/// as the exact hexadecimal of the double read: CLI11 converts through long double, which rounds
/// some decimals twice (1.0000000000000001110223024625156540423631668090820312500001 became 1).
/// A transform (CLI11 runs those first), so it also says what non_empty says.
CLI::Validator number_check(const std::string& rule, std::function<bool(double)> ok) {
  return CLI::Validator(
      [rule, ok](std::string& text) -> std::string {
        if (text.empty()) return "empty value";
        double v = 0;
        const auto res = fdgd::detail::read_decimal(text.data(), text.data() + text.size(), v);
        if (res.ec == std::errc::result_out_of_range && res.ptr == text.data() + text.size())
          return text + " is beyond the range of a double";
        if (res.ec != std::errc() || res.ptr != text.data() + text.size()) return "'" + text + "' is not a number";
        if (!ok(v)) return text + " must be " + rule;
        text = fmt::format("{:a}", v);
        return "";
      },
      rule);
}

/// A whole number in least..most, in decimal digits, rewritten as CLI11 then reads it: CLI11 alone
/// would read 010 as octal 8 and 0x10 as 16 (where --starts and --steps read 10 and refuse 0x10).
CLI::Validator whole_number(long long least, long long most) {
  const std::string rule =
      most == std::numeric_limits<long long>::max() ? fmt::format(">= {}", least) : fmt::format("{}..{}", least, most);
  return CLI::Validator(
      [least, most](std::string& text) -> std::string {
        if (text.empty()) return "empty value";
        long long v = 0;
        const auto res = fdgd::detail::read_decimal(text.data(), text.data() + text.size(), v);
        const bool beyond = res.ec == std::errc::result_out_of_range;  // of long long: all digits, too many
        if (res.ptr != text.data() + text.size() || (res.ec != std::errc() && !beyond))
          return "'" + text + "' is not a whole number";
        if (beyond ? text[0] == '-' : v < least) return fmt::format("{} must be >= {}", text, least);
        if (beyond || v > most) return fmt::format("{} must be <= {}", text, most);
        text = std::to_string(v);
        return "";
      },
      rule);
}
constexpr long long int_max = std::numeric_limits<int>::max();

/// A finite number > 0 (NaN is not).
const CLI::Validator positive_finite = number_check("finite and > 0", [](double v) { return v > 0 && std::isfinite(v); });

/// Any number, so that a typo is "--lr: '5x' is not a number", not CLI11's "Could not convert: --lr = 5x".
const CLI::Validator a_number = number_check("a number", [](double) { return true; });

/// CLI11 reads 99999999999999999999 as 2^64-1 and 1.5 as 1; a seed must be exactly the number typed.
const CLI::Validator seed_check(
    [](std::string& text) -> std::string {
      std::uint64_t v = 0;
      const auto res = fdgd::detail::read_decimal(text.data(), text.data() + text.size(), v);
      if (res.ec == std::errc() && res.ptr == text.data() + text.size()) return "";
      return "'" + text + "' is not a whole number in 0..2^64-1";
    },
    "0..2^64-1");

/// An option given with an empty value would otherwise read as 0, as its default, or as nothing.
const CLI::Validator non_empty([](std::string& text) { return text.empty() ? "empty value" : ""; }, "");

/// An option with a value, which must not be empty (checks run after it; transforms, which CLI11 runs
/// first, say "empty value" themselves).
template <class T>
CLI::Option* add_value(CLI::App* c, const std::string& name, T& value, const std::string& help) {
  return c->add_option(name, value, help)->check(non_empty);
}

/// The file name's extension in lower case (".npy" for X.NPY), which says the format.
std::string extension(const std::string& path) {
  std::string e = std::filesystem::path(path).extension().string();
  for (char& c : e) c = char(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

/// The descent options the flags give (steps and gtol are the caller's).
options options_from(const minimize_args& a) {
  options o;
  o.lr = a.lr, o.h = a.h, o.threads = a.threads;
  o.prec = a.precision_name == "f32" ? precision::f32 : precision::f64;
  o.backend = a.backend_name == "cpu" ? backend_kind::cpu : a.backend_name == "cuda" ? backend_kind::cuda : backend_kind::automatic;
  return o;
}

/// --out must name a file that can be written, checked before the run so that none is wasted on it:
/// the file it replaces (through symbolic links, as the write will), and the folder that holds it.
void check_out_folder(const std::string& out) {
  namespace fs = std::filesystem;
  std::string why;
  const fs::path target(detail::output_target(out, why)), folder = target.parent_path().empty() ? "." : target.parent_path();
  if (!why.empty()) throw usage_error("--out: cannot write '" + out + "': " + why);
  // The file standard output goes to (`--out r.csv > r.csv`, a link to /dev/stdout): the rename would
  // put the results in place of the summary, or of what the file held before (`>>`).
  struct stat out_stat {
  }, stdout_stat{};
  if (::stat(out.c_str(), &out_stat) == 0 && ::fstat(STDOUT_FILENO, &stdout_stat) == 0 && out_stat.st_dev == stdout_stat.st_dev &&
      out_stat.st_ino == stdout_stat.st_ino)
    throw usage_error("--out: '" + out + "' is the file standard output is written to: give another file for the results");
  std::error_code ec;
  if (!fs::exists(folder, ec)) throw usage_error("--out: folder '" + folder.string() + "' does not exist");
  if (!fs::is_directory(folder, ec)) throw usage_error("--out: '" + folder.string() + "' is not a folder");
  if (::access(folder.c_str(), W_OK | X_OK) != 0)
    throw usage_error("--out: cannot write in folder '" + folder.string() + "': " + std::strerror(errno));
  // In a sticky folder (/tmp) only the owner of a file, of the folder, or root may replace it: the
  // rename at the end would fail after the whole run.
  struct stat dir_stat {
  }, file_stat{};
  const uid_t me = ::geteuid();
  if (::stat(folder.c_str(), &dir_stat) == 0 && (dir_stat.st_mode & S_ISVTX) && ::lstat(target.c_str(), &file_stat) == 0 &&
      me != 0 && me != dir_stat.st_uid && me != file_stat.st_uid)
    throw usage_error("--out: cannot replace '" + target.string() + "': another user's file in a sticky folder ('" +
                      folder.string() + "')");
  const long name_max = ::pathconf(folder.c_str(), _PC_NAME_MAX);
  if (name_max > 0 && target.filename().string().size() > std::size_t(name_max))
    throw usage_error(fmt::format("--out: the file name is longer than the {} characters the folder allows", name_max));
  // The write's own first step, its temporary file made and removed again: what access() cannot tell
  // (root is allowed everything, and /proc still takes no new file).
  try {
    detail::atomic_file probe(out);
  } catch (const error& e) {
    throw usage_error("--out: " + without_prefix(e.what()));
  }
}

/// A /proc file's "Key: value kB" line, in bytes, or -1 where there is none.
double proc_kib_value(const char* file, const std::string& wanted) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)  // line by line: /proc/self/status has lines of text too
    if (line.rfind(wanted, 0) == 0) return std::strtod(line.c_str() + wanted.size(), nullptr) * 1024;
  return -1;
}

/// Host memory the process can still get: what the system can give (Linux: MemAvailable, else all of it),
/// and under an address-space limit (`ulimit -v`) no more than the limit less what is already mapped.
double available_host_bytes() {
  double available = proc_kib_value("/proc/meminfo", "MemAvailable:");
  if (available < 0) available = double(::sysconf(_SC_PHYS_PAGES)) * double(::sysconf(_SC_PAGESIZE));
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const double mapped = std::max(0.0, proc_kib_value("/proc/self/status", "VmSize:"));
    available = std::min(available, std::max(0.0, double(limit.rlim_cur) - mapped));
  }
  return available;
}

/// `count_flag`: where the number of starts comes from (count_source).
std::runtime_error not_enough_memory(std::int64_t count, int dim, double need, const char* count_flag) {
  const double gib = double(1 << 30);
  return std::runtime_error(
      fmt::format("not enough memory for {} start{} of dimension {}: the run needs about {:.1f} GiB "
                  "and {:.1f} GiB are available; use fewer {} or a smaller --dim",
                  count, count == 1 ? "" : "s", dim, need / gib, available_host_bytes() / gib, count_flag));
}

/// What sets the number of starts, for messages: --starts (trace: --sample) or the --init-file.
const char* count_source(const minimize_args& a) { return a.init_file.empty() ? a.count_flag : "starts in the file"; }

/// Refuses a run that needs more host memory than is available before anything large is allocated:
/// under memory overcommit its allocations could succeed and the process be killed when it touches them.
/// With `top` (a run's --top; 0 where the final points are not grouped), a warning where grouping them
/// could not fit after the run if they stayed scattered (every point a cell of its own:
/// grouping_bytes_needed). Not a refusal: final points that converge form few cells (10^7 starts of
/// himmelblau: 4), and need little.
void check_host_memory(const cli::objective_choice& b, std::int64_t count, int dim, const options& o, const char* count_flag,
                       int top) {
  const double box = 4.0 * dim * sizeof(double);  // the box's bounds, as parsed and in the starts
  const double need = b.host_bytes_needed(count, dim, o) + box, available = available_host_bytes();
  if (need > available) throw not_enough_memory(count, dim, need, count_flag);
  const double grouping = top > 0 ? grouping_bytes_needed(count, dim, o.threads, top) : 0.0;
  if (need + grouping > available)
    fmt::print(stderr,
               "fdgd: warning: if the final points stay scattered, grouping them into distinct minima needs up to "
               "{:.1f} GiB more than the {:.1f} GiB available after the run (--out keeps the run's results even then)\n",
               (need + grouping - available) / double(1 << 30), (available - need) / double(1 << 30));
}

/// Where x + h and x - h round to the same number, every central difference is 0 and a start does not
/// move: with an h that small next to the largest |coordinate|, the run would silently do nothing
/// there. A warning, not an error: smaller coordinates may still move.
void warn_if_h_vanishes(double h, precision prec, double largest) {
  // Beyond float's range the run refuses the starts (and converting such a double to float is undefined).
  if (prec == precision::f32 && largest > double(std::numeric_limits<float>::max())) return;
  const bool vanishes =
      prec == precision::f32 ? float(largest) + float(h) == float(largest) - float(h) : largest + h == largest - h;
  if (!vanishes) return;
  fmt::print(stderr,
             "fdgd: warning: --h {} is below the spacing of {} near |x| = {} (x + h and x - h round to the "
             "same number there), so the central differences are 0 there{}\n",
             h, prec == precision::f32 ? "floats" : "doubles", largest, h < 1e-4 ? "; the default is 1e-4" : "");
}

/// The largest |coordinate| a start can have: from the box, or from the given points.
double largest_coordinate(const starts& s) {
  double largest = 0;
  for (const auto* values : {&s.lo(), &s.hi(), &s.points()})
    for (const double v : *values) largest = std::max(largest, std::abs(v));
  return largest;
}

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
    throw usage_error(source + ": " + what);
  }
}

/// The first bytes of `path` (at most 32) where it is a regular file, else none: a pipe is not read ahead.
std::string start_of_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "";
  std::ifstream in(path, std::ios::binary);
  char bytes[32];
  in.read(bytes, sizeof bytes);
  return std::string(bytes, std::size_t(in.gcount()));
}

/// Starts of `dim` coordinates given from `source` (an --init-file, --start), checked against the
/// objective: where --dim was given (`dim_given`, equal to dim), as any dimension; else an expression
/// whose coordinates imply another dimension is refused, with the --dim that would run it anyway and
/// the `hint` that follows it.
void check_given_dim(const cli::objective_choice& b, int dim_given, int dim, const std::string& source, const std::string& hint) {
  if (dim_given)
    b.check_dim(dim, source);
  else
    b.check_dim_of_starts(dim, source, fmt::format(" (give --dim {} to run it in {} dimensions{})", dim, dim, hint));
}

starts make_starts(const minimize_args& a, const cli::objective_choice& b, int& dim) {
  if (!a.init_file.empty()) {
    if (!a.box.empty()) throw usage_error("--box and --init-file exclude each other");
    if (a.starts_given) throw usage_error("--starts and --init-file exclude each other");
    if (a.seed_given) throw usage_error("--seed draws starts in the box; it has no use with --init-file");
    const std::string start = start_of_file(a.init_file);
    const bool npy = extension(a.init_file) == ".npy" || start.rfind("\x93NUMPY", 0) == 0;  // a .npy of another name too
    table t;
    try {
      t = npy ? read_npy(a.init_file) : read_csv(a.init_file);
    } catch (const error& e) {
      throw usage_error(
          "--init-file: " + without_prefix(e.what()) +
          (start.empty() && std::strstr(e.what(), "NumPy")
               ? " (only a regular file is told by its first bytes; a pipe is read as a .npy where its name ends in .npy)"
               : ""));
    } catch (const std::bad_alloc&) {  // a file (or a pipe's one endless line) larger than memory
      throw error("--init-file: " + a.init_file + " does not fit in memory (or under ulimit -v) as it is read");
    }
    // A trace's rows are steps of paths, which would read as starts of two coordinates too many.
    const auto& names = t.names;
    if (names.size() >= 4 && names[0] == "start" && names[1] == "step" && names[2] == "x0" && names.back() == "f")
      throw usage_error("--init-file: " + a.init_file +
                        " is a trace (start,step,x0,...,f): its rows are the steps of paths, not starts (the last row of "
                        "each path holds where it ended)");
    if (a.dim && a.dim != t.cols) throw usage_error(fmt::format("--dim {} but {} has {} columns", a.dim, a.init_file, t.cols));
    dim = t.cols;
    check_given_dim(b, a.dim, dim, fmt::format("--init-file: {} has {} column{}", a.init_file, dim, dim == 1 ? "" : "s"),
                    npy ? "; an --out .npy has f last: drop it, a[:, :-1] in numpy" : "");
    check_host_memory(b, t.rows, dim, options_from(a), count_source(a), a.groups_minima ? a.top : 0);
    return named_starts("--init-file: " + a.init_file, options_from(a).prec,
                        [&] { return starts::given(std::move(t.values), t.cols); });
  }
  dim = b.dim(a.dim);
  b.check_dim(dim, fmt::format("--dim {}", dim));
  const std::int64_t count = cli::parse_count(a.count_flag, a.starts);
  check_host_memory(b, count, dim, options_from(a), count_source(a), a.groups_minima ? a.top : 0);
  std::vector<double> lo, hi;
  if (a.box.empty()) {
    const search_box box = b.default_box(dim, a.groups_minima ? "--init-file" : "--start");  // trace has --start
    lo = box.lo, hi = box.hi;
  } else {
    cli::parse_box(a.box, lo, hi);
    if (lo.size() == 1) lo.assign(std::size_t(dim), lo[0]), hi.assign(std::size_t(dim), hi[0]);
    if (int(lo.size()) != dim) throw usage_error(fmt::format("--box has {} coordinates but the dimension is {}", lo.size(), dim));
  }
  return named_starts(a.box.empty() ? "the function's box" : "--box", options_from(a).prec,
                      [&] { return starts::uniform(lo, hi, count, a.seed); });
}

int run_minimize(const minimize_args& a) {
  const cli::objective_choice b(a.function, a.expression);
  options o = options_from(a);
  o.steps = a.steps, o.gtol = a.gtol;
  if (!a.out.empty()) {
    const auto ext = extension(a.out);
    if (ext != ".csv" && ext != ".npy") {
      const std::string name = std::filesystem::path(a.out).filename().string();
      const std::string hidden = extension("x" + name);  // ".csv" is a hidden file's name, with no extension
      const bool bare = !name.empty() && name[0] == '.' && (hidden == ".csv" || hidden == ".npy");
      throw usage_error(
          "--out: '" + a.out + "' must be a file name ending in .csv or .npy" +
          (bare ? " (a name that is only '" + name + "' is a hidden file's, with no extension: give it a name before it)"
                : std::string()));
    }
    check_out_folder(a.out);
  }
  int dim = 0;
  const starts s = make_starts(a, b, dim);
  o.validate();  // std::invalid_argument, reported as a usage error by main
  warn_if_h_vanishes(o.h, o.prec, largest_coordinate(s));
  cli::progress_bar bar(!a.quiet && ::isatty(2), s.count(), o.steps, o.gtol > 0);
  if (bar.enabled()) {
    o.steps_per_launch = cli::steps_a_launch_shown(o.steps);
    o.on_progress = [&bar](const progress& p) { bar.update(p); };
  }
  result r;
  try {
    r = b.run(s, o);
  } catch (const std::bad_alloc&) {
    throw not_enough_memory(s.count(), dim, b.host_bytes_needed(s.count(), dim, o), count_source(a));
  }
  bar.finish();
  if (!a.out.empty()) {
    if (extension(a.out) == ".npy") {
      write_npy(a.out, r);
    } else {
      write_csv(a.out, r);
    }
  }
  const std::optional<std::uint64_t> seed = s.is_generated() ? std::optional(s.seed()) : std::nullopt;
  cli::run_summary summary;
  try {
    summary = cli::summarize_run(r, {b.label(), b.builtin(), o, a.cluster_tol, a.top, seed});
  } catch (const std::bad_alloc&) {  // not foreseen by check_host_memory: memory taken by others since
    throw error(fmt::format("out of memory grouping the {} final points into distinct minima{}", r.count,
                            a.out.empty() ? "" : "; the run's results are in " + a.out));
  }
  if (a.json) {
    cli::write_json(stdout, summary);
  } else {
    cli::write_text(stdout, summary);
  }
  return 0;
}

/// `fdgd trace`: the path of chosen starts, recorded every `every` steps. The descent runs in
/// stretches of `every` steps, each from where the last ended: the same bits as one continuous run.
int run_trace(const minimize_args& a, const std::vector<std::string>& start_texts, std::int64_t sample, std::int64_t every) {
  const cli::objective_choice b(a.function, a.expression);
  if (a.out.empty() || extension(a.out) != ".csv") throw usage_error("--out: trace writes a .csv file");
  if (!start_texts.empty() && sample != 0) throw usage_error("--start and --sample exclude each other");
  if (start_texts.empty() && sample == 0) throw usage_error("give the starts with --start (repeatable) or --sample K");
  int dim = 0;
  std::vector<double> points;
  if (!start_texts.empty()) {
    for (const auto& text : start_texts) {
      const std::vector<double> point = cli::parse_point("--start", text);
      const int count = int(point.size());
      points.insert(points.end(), point.begin(), point.end());
      if (dim && count != dim)
        throw usage_error(fmt::format("--start: '{}' has {} coordinates, the first had {}", text, count, dim));
      dim = count;
    }
  } else {
    minimize_args batch = a;
    batch.starts = std::to_string(sample);
    batch.count_flag = "--sample";
    batch.groups_minima = false;
    const starts s = make_starts(batch, b, dim);
    for (std::int64_t i = 0; i < s.count(); ++i)
      for (int j = 0; j < dim; ++j) points.push_back(s.coordinate(i, j));
  }
  if (!start_texts.empty()) {
    const std::string coordinates = fmt::format("{} coordinate{}", dim, dim == 1 ? "" : "s");
    if (a.dim && a.dim != dim) throw usage_error(fmt::format("--dim {} but --start has {}", a.dim, coordinates));
    check_given_dim(b, a.dim, dim, "--start: " + coordinates, "");
  }
  check_out_folder(a.out);

  options o = options_from(a);
  o.validate();
  // The stretches start from the points as given: one set of starts, named by its flag, for the checks
  // and the first evaluation.
  const starts given =
      named_starts(start_texts.empty() ? "--sample" : "--start", o.prec, [&] { return starts::given(points, dim); });
  warn_if_h_vanishes(o.h, o.prec, largest_coordinate(given));
  std::vector<std::string> header = {"start", "step"};
  for (int j = 0; j < dim; ++j) header.push_back("x" + std::to_string(j));
  header.push_back("f");
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
  o.steps = 0;
  const result first = b.run(given, o);
  const std::int64_t paths = first.count;
  for (std::int64_t i = 0; i < paths; ++i) record(first, i, 0);
  // A path that stops (converged, stalled or nonfinite: fewer steps than the stretch asked) ends with the
  // row of the step it stopped at: later stretches would only repeat its point.
  std::vector<char> stopped(std::size_t(paths), 0);
  for (std::int64_t done = 0; done < a.steps;) {
    o.steps = std::min(every, a.steps - done);
    const result r = b.run(starts::given(points, dim), o);
    for (std::int64_t i = 0; i < paths; ++i) {
      if (stopped[std::size_t(i)]) continue;
      const std::int64_t steps = r.steps[std::size_t(i)];
      stopped[std::size_t(i)] = steps < o.steps;
      if (!stopped[std::size_t(i)] || steps > 0) record(r, i, done + steps);  // stopped at once: where its last row is
    }
    done += o.steps;
    points.assign(r.x.begin(), r.x.end());
  }
  out.commit();
  fmt::print("{}: {} path{} of {} step{}, every {} step{}, written to {}\n", b.label(), paths, paths == 1 ? "" : "s", a.steps,
             a.steps == 1 ? "" : "s", every, every == 1 ? "" : "s", a.out);
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

/// The flags `minimize` and `trace` share: the function, where the starts come from, the descent.
void add_common_flags(CLI::App* c, minimize_args& a) {
  add_value(c, "--function", a.function, "built-in function (see `fdgd functions`)");
  // --expr "" is parsed, to say "empty expression" with a caret like any other mistake in it.
  c->add_option("--expr", a.expression, "or the function as an expression, e.g. \"sum(i=0..d-1, x[i]^2)\" (see README)");
  add_value(c, "--dim", a.dim, "dimension (default: the function's own, 2, or the expression's highest x + 1)")
      ->transform(whole_number(1, int_max));
  add_value(c, "--seed", a.seed, "seed of the start generator, 0..2^64-1 (default 0)")->check(seed_check);
  add_value(c, "--box", a.box, "LO:HI for every coordinate, or LO0:HI0,LO1:HI1,... (default: the function's box)");
  add_value(c, "--lr", a.lr, "learning rate (default 0.01)")->transform(a_number);
  add_value(c, "--steps", a.steps_text,
            std::string("steps per start: 100, 1e4, 2^10 (default 100; 0: f") + (c->get_name() == "trace" ? "" : " and |grad|") +
                " at the starts)");
  add_value(c, "--h", a.h, "central-difference step (default 1e-4)")->transform(a_number);
  add_value(c, "--precision", a.precision_name, "f64 or f32 (default f64)")->check(CLI::IsMember({"f64", "f32"}));
  add_value(c, "--backend", a.backend_name, "auto, cpu or cuda (default auto: the GPU when one is present)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  add_value(c, "--threads", a.threads, "CPU threads (default: all cores)")->transform(whole_number(0, max_cpu_threads));
}

/// Where an option that takes a value is followed at once by another of `command`'s options (or ends
/// the line), what was meant: CLI11 would take the value of the next one as an unexpected argument
/// ("--function --expr x0^2": "not expected: x0^2"), or is given as "--name=". Empty where no option
/// lacks its value.
std::string option_without_value(const CLI::App& command, int argc, char** argv) {
  auto option = [&](const std::string& arg) {
    return arg.rfind("--", 0) == 0 && arg.find('=') == std::string::npos ? command.get_option_no_throw(arg) : nullptr;
  };
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    // "--seed=": CLI11 says "1 required UINT missing", or takes the next argument as the value.
    if (const std::string name = arg.substr(0, arg.size() - 1); !arg.empty() && arg.back() == '=')
      if (const CLI::Option* o = option(name); o && o->get_expected_min() >= 1) return name + ": empty value";
    const CLI::Option* o = option(arg);
    if (!o || o->get_expected_min() < 1) continue;
    if (i + 1 == argc) return std::string(argv[i]) + ": no value given (it ends the line)";
    if (option(argv[i + 1])) return std::string(argv[i]) + ": no value given (" + argv[i + 1] + " follows it)";
  }
  return "";
}

/// CLI11's message in plain words ("--lr: At Most 1 required but received 2": given 2 times); for
/// unexpected arguments, in the order given, with `command`'s option (the subcommand it was parsing;
/// nullptr: none) nearest to each unknown one.
std::string plain_parse_error(std::string what, const CLI::App* command) {
  const std::string repeated = "At Most 1 required but received ";
  if (const auto at = what.find(repeated); at != std::string::npos)
    what = what.substr(0, at) + "given " + what.substr(at + repeated.size()) + " times; give it once";
  // "The following arguments were not expected: sphere --functoin" lists them last first.
  std::string extras = "The following arguments were not expected: ";
  if (what.rfind(extras, 0) != 0) extras = "The following argument was not expected: ";
  if (what.rfind(extras, 0) != 0 || command == nullptr) return what;
  std::vector<std::string> given, flags;
  for (std::size_t a = extras.size(), b; a < what.size(); a = b + 1) {
    b = std::min(what.find(' ', a), what.size());
    given.insert(given.begin(), what.substr(a, b - a));
  }
  for (const CLI::Option* o : command->get_options())
    if (o->get_lnames().size() == 1) flags.push_back("--" + o->get_lnames()[0]);
  std::string out = command->get_name() + ": not expected:";
  for (const auto& g : given) out += " " + g;
  for (const auto& g : given)
    if (g.rfind("--", 0) == 0) {
      const std::string near = expr::nearest_name(g, flags);
      out += "; " + g + " is no option of " + command->get_name() + (near.empty() ? "" : " (did you mean " + near + "?)");
    }
  return out;
}

/// Output that could not be written (stdout on a full disk) is a failed run, not a silent exit 0; a
/// run that failed already has said so, once.
int with_stdout_checked(int status) {
  if (status != 0) return status;
  const bool flushed = std::fflush(stdout) == 0;
  const int e = errno;
  if (flushed && !std::ferror(stdout)) return status;
  std::fprintf(stderr, "fdgd: error: could not write to standard output: %s\n", std::strerror(flushed ? EIO : e));
  return 1;
}

int run_command(int argc, char** argv) {
  CLI::App app{"fdgd: batch gradient descent with central-difference gradients, from many starts at once"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fdgd " FDGD_VERSION);
  // CLI11 says only "A subcommand is required" when the command is mistyped or missing, or an option comes first.
  if (argc == 1) {
    std::fprintf(stderr, "fdgd: error: give a command: minimize, trace or functions (fdgd --help describes them)\n");
    return 2;
  }
  const std::string first = argv[1];
  const bool option = first[0] == '-';
  if (option ? first != "-h" && first != "--help" && first != "--version"
             : first != "minimize" && first != "trace" && first != "functions") {
    std::fprintf(stderr, "fdgd: error: %s '%s' (the command comes first: minimize, trace or functions)\n",
                 option ? "unknown option" : "unknown command", std::string(first, 0, 40).c_str());
    return 2;
  }
  minimize_args a;
  auto* m = app.add_subcommand("minimize", "minimize a built-in function or an expression from a batch of starts");
  add_common_flags(m, a);
  add_value(m, "--starts", a.starts, "number of starts: 1000, 1e6, 2^20 (default 1000)");
  add_value(m, "--init-file", a.init_file, "the starts themselves: .csv (one per row) or .npy (N x d)");
  add_value(m, "--gtol", a.gtol, "stop a start once |grad| <= gtol (default 0: off)")->transform(a_number);
  add_value(m, "--out", a.out, "write every trajectory: .csv or .npy");
  add_value(
      m, "--cluster-tol", a.cluster_tol,
      "side of the cells final points are grouped in (the points that converged to one minimum, spread less than "
      "tol/(d+1) along every axis, share a group), and how near a minimizer along every axis a start must end to count as reaching it "
      "(default 1e-3)")
      ->transform(positive_finite);
  add_value(m, "--top", a.top, "distinct minima to list (default 10)")->transform(whole_number(1, int_max));
  m->add_flag("--json", a.json, "print the summary as one JSON object");
  m->add_flag("--quiet", a.quiet, "no progress line on stderr (shown only on a terminal, after 1 s)");
  auto* f = app.add_subcommand("functions", "list the built-in functions");
  minimize_args ta;
  std::vector<std::string> trace_starts;
  std::string trace_sample;       // in --starts' forms (1000, 1e3, 2^10)
  std::string trace_every = "1";  // in --steps' forms
  auto* t = app.add_subcommand("trace", "record the paths of chosen starts to a CSV (start,step,x0,...,f)");
  add_common_flags(t, ta);
  add_value(t, "--start", trace_starts, "a start x0,x1,... (repeatable)");
  add_value(t, "--sample", trace_sample, "or: this many starts drawn from the box (--dim, --box, --seed): 100, 1e3, 2^10");
  add_value(t, "--every", trace_every, "record every k steps: 10, 1e3, 2^10 (default 1)");
  add_value(t, "--out", ta.out, "the CSV to write")->required();
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
    const std::string valueless = command ? option_without_value(*command, argc, argv) : "";
    std::fprintf(stderr, "fdgd: error: %s\n", (valueless.empty() ? plain_parse_error(e.what(), command) : valueless).c_str());
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
    std::fprintf(stderr, "fdgd: error: %s\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {  // the library's option checks: "invalid option lr = -1 (...)"
    std::string what = without_prefix(e.what());
    if (what.rfind("invalid option ", 0) == 0) what = "--" + what.substr(15);
    std::fprintf(stderr, "fdgd: error: %s\n", what.c_str());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fputs("fdgd: error: out of memory\n", stderr);
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fdgd: error: %s\n", without_prefix(e.what()).c_str());
    return 1;
  }
}

int main(int argc, char** argv) {
  // A write past `ulimit -f` then fails with "File too large", named, instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  remove_unfinished_files_on_signals();  // an interrupted --out leaves no temporary file behind
  return with_stdout_checked(run_command(argc, argv));
}
