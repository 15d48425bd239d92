#include "run_checks.hpp"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>
#include <string>
#include <system_error>
#include <utility>

#include "../io/atomic_file.hpp"
#include "fdgd/cpu_backend.hpp"
#include "fdgd/detail/backend_choice.hpp"
#include "fdgd/detail/dispatch.hpp"
#include "fdgd/detail/host_loop.hpp"
#include "fdgd/error.hpp"
#include "fdgd/expression_program.hpp"
#include "fdgd/functions.hpp"
#include "fdgd/summary.hpp"
#include "parse.hpp"

namespace fdgd::cli {

namespace {

/// A /proc file's "Key: value kB" line, in bytes, or -1 where there is none.
double proc_kib_value(const char* file, const std::string& wanted) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)  // line by line: /proc/self/status has lines of text too
    if (line.rfind(wanted, 0) == 0) return std::strtod(line.c_str() + wanted.size(), nullptr) * 1024;
  return -1;
}

/// The address space an address-space limit (ulimit -v) leaves the process; infinity where none is set.
double address_space_left() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return std::numeric_limits<double>::infinity();
  const double mapped = std::max(0.0, proc_kib_value("/proc/self/status", "VmSize:"));
  return std::max(0.0, double(limit.rlim_cur) - mapped);
}

/// Host memory the process can still get: what the system can give (Linux: MemAvailable, else all of it),
/// and under an address-space limit (`ulimit -v`) no more than the limit less what is already mapped.
double available_host_bytes() {
  double available = proc_kib_value("/proc/meminfo", "MemAvailable:");
  if (available < 0) available = double(::sysconf(_SC_PHYS_PAGES)) * double(::sysconf(_SC_PAGESIZE));
  return std::min(available, address_space_left());
}

/// The address space the run's CPU threads' stacks take beside the main thread's: each OMP_STACKSIZE
/// (or GOMP_STACKSIZE) where set, in libgomp's forms (4096, 8M, 1G: kilobytes without a unit), else
/// the C library's default for a new thread (ulimit -s).
double thread_stacks_bytes(int threads) {
  double each = 0;
  pthread_attr_t attr;
  if (::pthread_getattr_default_np(&attr) == 0) {
    std::size_t size = 0;
    if (::pthread_attr_getstacksize(&attr, &size) == 0) each = double(size);
    ::pthread_attr_destroy(&attr);
  }
  for (const char* name : {"OMP_STACKSIZE", "GOMP_STACKSIZE"})
    if (const char* text = std::getenv(name); text && *text) {
      char* end = nullptr;
      const double v = std::strtod(text, &end);
      while (*end == ' ') ++end;
      const char unit = char(std::toupper(static_cast<unsigned char>(*end)));
      const double scale = unit == 'B' ? 1 : unit == 'M' ? 1 << 20 : unit == 'G' ? 1 << 30 : 1 << 10;
      if (end != text && v > 0) each = v * scale;
      break;
    }
  return std::max(0, threads - 1) * each;
}

/// The folder of the file `target` (an output's, where its links lead): "." where the path names none.
std::filesystem::path out_folder(const std::filesystem::path& target) {
  return target.parent_path().empty() ? "." : target.parent_path();
}

}  // namespace

row_bytes csv_row_bytes(int numbers, int words) { return {2.0 * (numbers + words), 25.0 * numbers + 20.0 * words}; }

namespace {
/// `bytes` in binary unit `unit` (0 bytes, 1 KiB, ... 5 PiB) to `places` decimals; unit -1: the unit that keeps
/// it below 1024 as printed (1048575 bytes is 1.0 MiB, not 1024.0 KiB).
std::string size_text(double bytes, int unit, int places) {
  static const char* const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (unit < 0)
    for (unit = 0; unit < 5; ++unit) {
      const double scale = unit == 0 ? 1.0 : std::pow(10.0, places);  // as printed: whole bytes, else `places` decimals
      if (std::round(std::ldexp(bytes, -10 * unit) * scale) / scale < 1024) break;
    }
  if (unit == 0) return fmt::format("{:.0f} bytes", bytes);
  return fmt::format("{:.{}f} {}", std::ldexp(bytes, -10 * unit), places, units[unit]);
}
}  // namespace

std::string bytes_text(double bytes) { return size_text(bytes, -1, 1); }

std::pair<std::string, std::string> bytes_texts(double a, double b, int unit) {
  int places = 1;
  while (places < 4 && size_text(a, unit, places) == size_text(b, unit, places)) ++places;
  return {size_text(a, unit, places), size_text(b, unit, places)};
}

void check_out_fits(const std::string& out, double least, double most, const std::string& what) {
  std::string why;
  const std::string folder = out_folder(detail::output_target(out, why)).string();
  struct statvfs fs {};
  if (::statvfs(folder.c_str(), &fs) != 0) return;
  const double free = double(fs.f_bavail) * double(fs.f_frsize);
  if (least > free) {
    const auto [size, room] = bytes_texts(least, free);
    throw error(fmt::format("--out: {} take at least {}, and the file system of '{}' has {} free: write less, or elsewhere", what,
                            size, folder, room));
  }
  if (most > free) {
    const auto [size, room] = bytes_texts(most, free);
    warn(fmt::format("--out: {} may take up to {}, and the file system of '{}' has {} free: the write may fail when it is full",
                     what, size, folder, room));
  }
}

void check_out_folder(const std::string& out) {
  namespace fs = std::filesystem;
  std::string why;
  const fs::path target(detail::output_target(out, why)), folder = out_folder(target);
  if (!why.empty()) throw usage_error("--out: cannot write '" + out + "': " + why);
  // The file standard output or error goes to (`--out r.csv > r.csv`, a link to /dev/stdout): the
  // rename would put the results in place of the summary or the warnings, or of what it held (`>>`).
  struct stat out_stat {};
  if (::stat(out.c_str(), &out_stat) == 0)
    for (const auto& [fd, stream] : {std::pair<int, const char*>{STDOUT_FILENO, "output"}, {STDERR_FILENO, "error"}}) {
      struct stat stream_stat {};
      if (::fstat(fd, &stream_stat) == 0 && out_stat.st_dev == stream_stat.st_dev && out_stat.st_ino == stream_stat.st_ino)
        throw usage_error("--out: '" + out + "' is the file standard " + stream +
                          " is written to: give another file for the results");
    }
  std::error_code ec;
  // Through a link, its target's folder: named with the link, which the command line shows.
  const std::string via = target.string() == out ? "" : " (where the link '" + out + "' leads)";
  if (!fs::exists(folder, ec)) throw usage_error("--out: folder '" + folder.string() + "' does not exist" + via);
  if (!fs::is_directory(folder, ec)) throw usage_error("--out: '" + folder.string() + "' is not a folder" + via);
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

std::runtime_error not_enough_memory(std::int64_t count, int dim, double need, const char* count_flag) {
  const auto [needed, available] = bytes_texts(need, available_host_bytes(), in_gib);
  return std::runtime_error(
      fmt::format("not enough memory for {} start{} of dimension {}: the run needs about {} and {} are available; use fewer {}{}",
                  count, count == 1 ? "" : "s", dim, needed, available, count_flag,
                  std::strcmp(count_flag, starts_in_the_file) == 0 ? "" : " or a smaller --dim"));  // a file's d is its width
}

double points_bytes(std::int64_t count, int dim) { return double(count) * dim * sizeof(double); }

namespace {
/// The box's bounds, lo and hi, moved into the starts.
double box_bytes(int dim) { return 2.0 * dim * sizeof(double); }
}  // namespace

double command_host_bytes(const objective_choice& b, std::int64_t count, int dim, const options& o, double beside) {
  return b.host_bytes_needed(count, dim, o) + box_bytes(dim) + beside;
}

void check_host_memory(const objective_choice& b, std::int64_t count, int dim, const options& o, const char* count_flag, int top,
                       double beside) {
  const double available = available_host_bytes();
  // The run's own needs first: an expression's program, made next for d, may take GBs itself.
  if (const double run = fdgd::host_bytes_needed(count, dim, o) + box_bytes(dim) + beside; run > available)
    throw not_enough_memory(count, dim, run, count_flag);
  double need = 0;
  try {
    need = command_host_bytes(b, count, dim, o, beside);  // for --expr, making its program at d first
  } catch (const std::bad_alloc&) {
    throw std::runtime_error(
        fmt::format("not enough memory to make --expr's program at d = {} (a change list for each "
                    "coordinate, besides the run); use a smaller --dim",
                    dim));
  }
  if (need > available) throw not_enough_memory(count, dim, need, count_flag);
  // Under ulimit -v the threads' stacks take address space too (4096 threads of 8 MB: 32 GiB), which
  // libgomp would only report as "Thread creation failed".
  if (const double left = address_space_left(); left < std::numeric_limits<double>::infinity()) {
    const int threads = detail::cpu_threads(o);
    if (const double stacks = thread_stacks_bytes(threads); need + stacks > left)
      throw std::runtime_error(
          fmt::format("not enough address space for {} CPU threads under ulimit -v: their stacks take {:.1f} GiB beside the "
                      "run's {:.2f} GiB, and {:.1f} GiB are left; use fewer --threads (or a smaller OMP_STACKSIZE)",
                      threads, stacks / double(1 << 30), need / double(1 << 30), left / double(1 << 30)));
  }
  const double grouping = top > 0 ? grouping_bytes_needed(count, dim, o.threads, top) : 0.0;
  if (need + grouping > available)
    warn(
        fmt::format("if the final points stay scattered, grouping them into distinct minima needs up to "
                    "{:.2f} GiB, more than the {:.2f} GiB available after the run (--out keeps the run's results even then)",
                    grouping / double(1 << 30), (available - need) / double(1 << 30)));
}

void warn_if_h_vanishes(double h, precision prec, double largest) {
  // Beyond float's range the run refuses the starts (and converting such a double to float is undefined).
  if (prec == precision::f32 && beyond_float(largest)) return;
  // The other way: an h so large that x + h rounds to h for every start; f(h) - f(-h) then says nothing of x.
  const bool swamps = prec == precision::f32 ? float(largest) + float(h) == float(h) : largest + h == h;
  if (swamps && largest > 0) {
    warn(
        fmt::format("--h {} is so large that x + h and x - h round to h and -h at every start (|x| <= {}), so "
                    "the central differences do not see x{}",
                    h, largest, h != options{}.h ? fmt::format("; the default is {}", options{}.h) : ""));
    return;
  }
  const bool vanishes =
      prec == precision::f32 ? float(largest) + float(h) == float(largest) - float(h) : largest + h == largest - h;
  if (!vanishes) return;
  warn(
      fmt::format("--h {} is below the spacing of {} near |x| = {} (x + h and x - h round to the "
                  "same number there), so the central differences are 0 there{}",
                  h, prec == precision::f32 ? "floats" : "doubles", largest,
                  h < options{}.h ? fmt::format("; the default is {}", options{}.h) : ""));
}

void warn_if_noise_splits_minima(const std::vector<minimum_group>& minima, std::int64_t grouped, int dim, const options& o,
                                 double cluster_tol) {
  // No step taken, or one point grouped in all: nothing that rounding moved, or nothing to split.
  if (minima.empty() || o.steps == 0 || grouped < 2) return;
  // The largest |f| listed: each minimum's rounding is that of its own f.
  const double listed = std::max_element(minima.begin(), minima.end(), [](const minimum_group& a, const minimum_group& b) {
                          return std::abs(a.f) < std::abs(b.f);
                        })->f;
  const double f = std::abs(listed);
  const double ulp =
      o.prec == precision::f32 ? double(std::nextafter(float(f), HUGE_VALF) - float(f)) : std::nextafter(f, HUGE_VAL) - f;
  const double jitter = o.lr * ulp / (2 * o.h), joined = cluster_tol / (dim + 1);
  // Beyond a move of 1000 cells of the default side (or of a larger tol's) a step, the run diverged or h
  // is far off, and f is no minimum's (a diverged rosenbrock's 5.8e57).
  if (!(jitter > joined && jitter <= 1000 * std::max(cluster_tol, default_cluster_tol))) return;
  warn(fmt::format(
      "rounding f ({} near a minimum listed, f = {:.7g}: an ulp of {:.2g}) makes each step move x by up to "
      "lr ulp(f) / 2h = {:.2g}, more than --cluster-tol / (d + 1) = {:.2g}, within which one minimum's final points "
      "are sure to form one group: one minimum may be counted as several; a larger --h or --cluster-tol{} helps",
      o.prec == precision::f32 ? "in f32" : "in f64", listed, ulp, jitter, joined, o.prec == precision::f32 ? ", or f64," : ""));
}

void warn_if_gradient_is_quadratic(const objective_choice& b, std::int64_t count, int dim, const options& o) {
  const double steps = double(o.steps) + 1;  // + 1: f and |grad| at the end
  // The busiest thread's share: a GPU thread's is a start; a CPU thread takes a block of starts whole
  // (a lockstep call's), so that a few starts at a huge d leave the other cores idle.
  const bool gpu = goes_to_cuda(o);
  // (The built-ins declare no block of their own: sphere's is each one's; an expression's interpreter has its own.)
  const double block = detail::with_precision(o.prec, [&](auto t) {
    using T = typename decltype(t)::type;
    return b.builtin() ? detail::lockstep_block<T, functions::sphere> : detail::lockstep_block<T, expr::program_objective>;
  });
  const double starts_of_busiest =
      gpu ? 1 : std::ceil(std::ceil(double(count) / block) / double(detail::cpu_threads(o))) * std::min(double(count), block);
  if (const auto work = gpu ? std::nullopt : b.cpu_work_a_step(dim); work && !work->patched) {
    if (starts_of_busiest * steps * work->operations < 3e10) return;  // interpreted: about 2e8 a second, minutes
    warn(
        fmt::format("--expr's program at d = {} is too large for its gradient to redo only what each coordinate reaches: "
                    "it evaluates f whole 2d times, about {:.2g} operations a step of a start, up to {:.2g} for this run, "
                    "which may take long",
                    dim, work->operations, double(count) * steps * work->operations));
    return;
  }
  if (!b.sums_over_d()) return;
  const double per_step = double(dim) * double(dim), all = double(count) * steps * per_step;
  if (dim < 1000 || starts_of_busiest * steps * per_step < 1e12) return;  // below, the d^2 is not what makes a run long
  warn(
      fmt::format("at d = {} the gradient takes about d^2 = {:.2g} additions a step of a start (it redoes the sum after "
                  "each moved term, for the reference's bits): up to {:.2g} for this run, which may take long",
                  dim, per_step, all));
}

bool goes_to_cuda(const options& o) {
  try {
    return detail::use_cuda(o, /*compiled_for_cuda=*/true);
  } catch (const std::exception&) {  // the run says why
    return false;
  }
}

double largest_coordinate(const starts& s) {
  double largest = 0;
  for (const auto* values : {&s.lo(), &s.hi(), &s.points()})
    for (const double v : *values) largest = std::max(largest, std::abs(v));
  return largest;
}

}  // namespace fdgd::cli
