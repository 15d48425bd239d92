#include "starts_from_args.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <system_error>
#include <utility>
#include <vector>

#include "../io/file_checks.hpp"
#include "../io/result_header.hpp"
#include "fdgd/error.hpp"
#include "fdgd/io.hpp"
#include "run_checks.hpp"

namespace fdgd::cli {

namespace {

/// The first bytes of `path` (at most 32) where it is a regular file, else none: a pipe is not read ahead.
std::string start_of_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return "";
  std::ifstream in(path, std::ios::binary);
  char bytes[32];
  in.read(bytes, sizeof bytes);
  return std::string(bytes, std::size_t(in.gcount()));
}

/// f at the rows of x in precision `prec`: on this thread without a gradient (objective_choice::values),
/// or for a built-in whose run goes to a GPU, by a run there at --steps 0: a file's f, likely written
/// there, differs from the CPU's in the last bits of exp and cos, and an f near 0 agrees to the bit or
/// not at all. Not above d = 10^4: that run's gradient (up to d^2 / 2 terms a row, each row on one GPU
/// thread) would take minutes at d = 10^5.
std::vector<double> f_at_rows(const objective_choice& b, const std::vector<double>& x, int d, const options& run, precision prec) {
  if (!b.builtin() || !goes_to_cuda(run) || d > 10000) return b.values(x, d, prec);
  options o;
  o.lr = run.lr, o.h = run.h, o.steps = 0, o.prec = prec, o.backend = run.backend, o.cuda_device = run.cuda_device;
  const result r = b.run(starts::given(x, d), o);
  return {r.f.begin(), r.f.end()};
}

/// Whether t's last column is f at the other columns, as an --out .npy keeps it: on up to 16 rows, f
/// (f_at_rows, in either precision) agrees with it, and on two of those rows at least it tells: it is the same
/// number, or beyond the absolute allowance, and the other columns are not all 0 (one row, "1,1" for sphere, may agree by chance;
/// starts near a minimum at 0, f there within the allowance of a last coordinate of 0, do not tell). Agreeing is within 1e-6
/// relatively or 1e-12 absolutely, the file being perhaps the other backend's, whose exp and cos differ, and f near 0 a
/// cancellation; in f32, where every value read is a float (as an f32 run writes them), 1e-5 and 1e-4: the cancellation is of an
/// ulp of, say, rastrigin's 10d.
bool last_column_is_f(const objective_choice& b, const table& t, const options& run) {
  if (t.cols < 2 || t.rows == 0) return false;
  const int d = t.cols - 1;
  const std::int64_t rows = std::min<std::int64_t>(t.rows, 16);
  std::vector<double> x;
  for (std::int64_t i = 0; i < rows; ++i)
    for (int j = 0; j < d; ++j) x.push_back(t.values[std::size_t(i * t.cols + j)]);
  for (const precision prec : {run.prec, run.prec == precision::f64 ? precision::f32 : precision::f64}) {
    std::vector<double> values;
    try {
      values = f_at_rows(b, x, d, run, prec);  // refused where the objective has no dimension d, or f32 cannot hold x
    } catch (const std::exception&) {
      continue;
    }
    const bool floats = prec == precision::f32 && std::all_of(t.values.begin(), t.values.begin() + std::ptrdiff_t(rows * t.cols),
                                                              [](double v) { return !std::isfinite(v) || double(float(v)) == v; });
    const double relative = floats ? 1e-5 : 1e-6, absolute = floats ? 1e-4 : 1e-12;
    bool all = true;
    int telling = 0;
    for (std::int64_t i = 0; i < rows && all; ++i) {
      const double f = values[std::size_t(i)], saved = t.values[std::size_t(i * t.cols + d)];
      if (!std::isfinite(f) && !std::isfinite(saved)) continue;
      // f overflowing (exp(100) in f32, x^2 past 1e154) agrees with no saved number: inf <= inf would.
      all = std::isfinite(f) && std::isfinite(saved) &&
            std::fabs(saved - f) <= relative * std::max(std::fabs(f), std::fabs(saved)) + absolute;
      const auto row = x.begin() + std::ptrdiff_t(i * d);
      telling += (saved == f || std::fabs(f) > absolute) && std::any_of(row, row + d, [](double v) { return v != 0; });
    }
    if (all && telling >= 2) return true;
  }
  return false;
}

/// Whether t is a trace's rows without its header (tail -n +2, pandas' header=None): on up to 16 rows, a
/// start and a step of whole numbers >= 0, then columns whose last is f at the others (last_column_is_f).
bool is_headerless_trace(const objective_choice& b, const table& t, const options& run) {
  if (!t.names.empty() || t.cols < 4) return false;
  table rest{std::min<std::int64_t>(t.rows, 16), t.cols - 2, {}};
  for (std::int64_t i = 0; i < rest.rows; ++i) {
    const auto row = t.values.begin() + std::ptrdiff_t(i * t.cols);
    if (!(row[0] >= 0 && row[1] >= 0 && row[0] == std::floor(row[0]) && row[1] == std::floor(row[1]))) return false;
    rest.values.insert(rest.values.end(), row + 2, row + t.cols);
  }
  return last_column_is_f(b, rest, run);
}

/// 1 for a header counted from 1 (x1, x2, ...), else 0.
std::size_t x_names_base(const std::vector<std::string>& names) { return !names.empty() && names[0] == "x1" ? 1 : 0; }

/// Refuses a header whose columns named x<k> are not the leading ones in order, x0, x1, ... (or x1, x2,
/// ... counted from 1): x1,x0; f,x0,x1; id,x1,x2. The columns are the coordinates by position, whatever
/// their names, and the run would start from other points than the file says. Names after the last
/// x<k> are the other checks' (an --out file's f, grad_norm, ...).
void check_x_names_in_order(const std::string& file, const std::vector<std::string>& names) {
  std::size_t end = names.size();  // one past the last column named x<k>
  while (end > 0 && detail::x_name_index(names[end - 1]) < 0) --end;
  const std::size_t base = x_names_base(names);
  if (end > 0 && names[0][0] == '#')  // np.savetxt's header="x0,x1" writes "# x0,x1"
    throw usage_error(
        fmt::format("--init-file: {}'s header begins with '#', and no line is a comment: its first column is named {}; "
                    "drop the '#' (np.savetxt writes it unless given comments='')",
                    file, detail::quoted(names[0])));
  for (std::size_t j = 0; j < end; ++j)
    if (detail::x_name_index(names[j]) != (long long)(j + base))
      throw usage_error(fmt::format(
          "--init-file: {}'s column {} is named {}, but the columns are read by position, as x0, x1, ... (or x1, x2, ... "
          "counted from 1), whatever their names: put the coordinates' columns first and in that order",
          file, j + 1, detail::quoted(names[j])));
}

}  // namespace

const char* count_source(const minimize_args& a) { return a.init_file.empty() ? a.count_flag : starts_in_the_file; }

void check_given_dim(const objective_choice& b, int dim_given, int dim, const std::string& source, const std::string& hint) {
  if (dim_given)
    b.check_dim(dim, source);
  else
    b.check_dim_of_starts(dim, source, fmt::format(" (give --dim {} to run it in {} dimensions{})", dim, dim, hint));
}

starts make_starts(const minimize_args& a, const objective_choice& b, int& dim, bool points_held_beside) {
  if (!a.init_file.empty()) {
    if (!a.box.empty()) throw usage_error("--box and --init-file exclude each other");
    if (a.starts_given) throw usage_error("--starts and --init-file exclude each other");
    if (a.seed_given) throw usage_error("--seed draws starts in the box; it has no use with --init-file");
    const std::string start = start_of_file(a.init_file);
    const bool npy = extension(a.init_file) == ".npy" || start.rfind("\x93NUMPY", 0) == 0;  // a .npy of another name too
    bool sizing = false;  // in read_npy's before_values (check_size): what it throws is its own, not the reader's
    const auto reading = [&](auto&& read) {
      try {
        return read();
      } catch (const error& e) {
        if (sizing) throw;  // a CUDA device or an --expr at d that cannot be had: status 1, no file named
        throw usage_error(
            "--init-file: " + without_prefix(e.what()) +
            (start.empty() && std::strstr(e.what(), "NumPy")
                 ? " (only a regular file is told by its first bytes; a pipe is read as a .npy where its name ends in .npy)"
                 : ""));
      } catch (const std::bad_alloc&) {  // a file (or a pipe's one endless line) larger than memory
        if (sizing) throw;
        throw error("--init-file: " + a.init_file + " does not fit in memory (or under ulimit -v) as it is read");
      }
    };
    const auto check_columns = [&](int cols) {
      if (a.dim && a.dim != cols) throw usage_error(fmt::format("--dim {} but {} has {} columns", a.dim, a.init_file, cols));
      // One column more than a function of fixed d takes: most likely an --out file's f, kept.
      if (const builtin_info* f = b.builtin(); f && f->fixed_dim && cols == f->fixed_dim + 1 && !f->dim_problem(cols).empty())
        throw usage_error(
            fmt::format("--init-file: {} has {} columns but {}: is the last a saved f, as an --out file has it? "
                        "drop it{}",
                        a.init_file, cols, f->dim_problem(cols), npy ? ", a[:, :-1] in numpy" : ""));
      check_given_dim(b, a.dim, cols, fmt::format("--init-file: {} has {} column{}", a.init_file, cols, cols == 1 ? "" : "s"),
                      npy ? "; an --out .npy has f last: drop it, a[:, :-1] in numpy" : "");
    };
    // A .npy is sized by its header before its values are read (from a pipe too): one larger than memory
    // allows is refused unread, with the run's estimate (beside it, its values, held as the starts).
    const auto check_size = [&](std::int64_t rows, int cols) {
      sizing = true;
      check_columns(cols);
      check_host_memory(b, rows, cols, options_from(a), count_source(a), a.groups_minima ? a.top : 0, points_bytes(rows, cols));
      sizing = false;
    };
    table t = reading([&] { return npy ? read_npy(a.init_file, check_size) : read_csv(a.init_file); });
    // A trace's rows are steps of paths, which would read as starts of two coordinates too many.
    const auto& names = t.names;
    if (names.size() >= 4 && names[0] == "start" && names[1] == "step" && names[2] == "x0" && names.back() == "f")
      throw usage_error("--init-file: " + a.init_file +
                        " is a trace (start,step,x0,...,f): its rows are the steps of paths, not starts (the last row of "
                        "each path holds where it ended)");
    if (!a.dim && is_headerless_trace(b, t, options_from(a)))
      throw usage_error(fmt::format(
          "--init-file: {} reads as a trace without its header: a start and a step, then x and f at x, "
          "on each row; its rows are the steps of paths, not starts{}",
          a.init_file,
          b.builtin() && b.builtin()->fixed_dim ? "" : fmt::format(" (or give --dim {} to take them as coordinates)", t.cols)));
    if (!npy) check_columns(t.cols);
    dim = t.cols;
    check_x_names_in_order(a.init_file, names);
    // An objective of any d would take a saved f as one more coordinate, and run: --dim says it is meant.
    // x0,...,x{k-1},f and what followed it there (grad_norm, steps): an --out CSV's columns, cut after
    // f or later (read_csv takes a whole result header's x columns alone).
    if (const auto m = detail::match_result_header(names); !a.dim && m.x >= 1 && m.after >= 1)
      throw usage_error(
          fmt::format("--init-file: {}'s columns are named as an --out file's, x0..x{} then {}: a saved {}, not "
                      "coordinates; keep x0..x{} (or give --dim {} to run it in {} dimensions)",
                      a.init_file, m.x - 1, m.after == 1 ? "f" : "f and more", m.after == 1 ? "f" : "f and what followed it",
                      m.x - 1, dim, dim));
    // Saved values named otherwise than an --out's order has them (x0,x1,grad_norm: cut without f), or
    // after x columns counted from 1 (x1,x2,f).
    const std::size_t base = x_names_base(names), x_names = detail::leading_x_names(names, base);
    for (std::size_t j = x_names; !a.dim && x_names >= 1 && j < names.size(); ++j)
      if (detail::is_result_tail_name(names[j]))
        throw usage_error(
            fmt::format("--init-file: {}'s column {} is named {}, as an --out file's: a saved {}, not a "
                        "coordinate; keep {}..{} (or give --dim {} to run it in {} dimensions)",
                        a.init_file, j + 1, names[j], names[j], names.front(), names[x_names - 1], dim, dim));
    // A header naming every column x0..x{d-1} says the last is a coordinate, whatever it holds.
    if (!a.dim && (names.empty() || x_names != names.size()) && last_column_is_f(b, t, options_from(a)))
      throw usage_error(
          fmt::format("--init-file: {}'s last column is f at the other {} (as an --out .npy keeps it): a saved f, "
                      "not a coordinate; drop it{} (or give --dim {} to run it in {} dimensions)",
                      a.init_file, dim == 2 ? "column" : "columns", npy ? ", a[:, :-1] in numpy" : "", dim, dim));
    // pandas' to_csv names an array's columns 0, 1, ...: such a header is a row of numbers, so a start.
    if (!npy && names.empty() && t.rows >= 2 && t.cols >= 2) {
      bool numbered = true;
      for (int j = 0; numbered && j < t.cols; ++j) numbered = t.values[std::size_t(j)] == j;
      if (numbered) {
        const std::string row = t.cols <= 4 ? fmt::format("{}", fmt::join(t.values.begin(), t.values.begin() + t.cols, ","))
                                            : fmt::format("0,1,2,...,{}", t.cols - 1);
        warn(
            fmt::format("{}'s first row, {}, is read as a start; if it is a header (pandas' to_csv names an array's "
                        "columns so), drop it or name the columns x0,x1,...",
                        a.init_file, row));
      }
    }
    // Beside the run's own needs, the file's values, held as the starts.
    if (!npy)
      check_host_memory(b, t.rows, dim, options_from(a), count_source(a), a.groups_minima ? a.top : 0, points_bytes(t.rows, dim));
    return named_starts("--init-file: " + a.init_file, options_from(a).prec,
                        [&] { return starts::given(std::move(t.values), t.cols); });
  }
  const int box_axes = a.box.find(',') == std::string::npos ? 0 : int(std::count(a.box.begin(), a.box.end(), ',')) + 1;
  dim = b.dim(a.dim, box_axes);
  const bool from_box = !a.dim && box_axes == dim && (b.builtin() ? !b.builtin()->fixed_dim : b.dim_from_outside());
  b.check_dim(dim, from_box               ? fmt::format("d = {} from --box", dim)
                   : a.dim || b.builtin() ? fmt::format("--dim {}", dim)
                                          : fmt::format("d = {} from x{}", dim, dim - 1));
  const std::int64_t count = parse_count(a.count_flag, a.starts);
  // The box's mistakes before the memory check, a usage error (status 2) before what the machine lacks;
  // its d coordinates after it (at d = 10^8 they take GBs).
  const char* other_starts = a.groups_minima ? "--init-file" : "--start";  // trace has --start
  std::vector<double> lo, hi;
  if (a.box.empty()) {
    if (!b.builtin()) b.default_box(dim, other_starts);  // throws: an --expr has none
  } else {
    parse_box(a.box, lo, hi);
    if (lo.size() != 1 && int(lo.size()) != dim)
      throw usage_error(fmt::format("--box has {} coordinates but the dimension is {}", lo.size(), dim));
    named_starts("--box", options_from(a).prec, [&] { return starts::uniform(lo, hi, 1); });  // its bounds, as typed
  }
  check_host_memory(b, count, dim, options_from(a), count_source(a), a.groups_minima ? a.top : 0,
                    points_held_beside ? points_bytes(count, dim) : 0.0);
  if (a.box.empty()) {
    search_box box = b.default_box(dim, other_starts);
    lo = std::move(box.lo), hi = std::move(box.hi);
  } else if (lo.size() == 1) {
    lo.assign(std::size_t(dim), lo[0]), hi.assign(std::size_t(dim), hi[0]);
  }
  // Moved into the starts: one copy of the bounds (at d = 3e8, 4.8 GB, not 9.6).
  return named_starts(a.box.empty() ? "the function's box" : "--box", options_from(a).prec,
                      [&] { return starts::uniform(std::move(lo), std::move(hi), count, a.seed); });
}

}  // namespace fdgd::cli
