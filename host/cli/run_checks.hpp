// What is checked before a run, so that none is wasted or killed halfway: that --out can be written,
// that the run fits in host memory, and that --h does not vanish next to the starts' coordinates.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fdgd/options.hpp"
#include "fdgd/starts.hpp"
#include "fdgd/summary.hpp"
#include "objective_choice.hpp"

namespace fdgd::cli {

/// --out must name a file that can be written, checked before the run so that none is wasted on it:
/// the file it replaces (through symbolic links, as the write will), and the folder that holds it.
void check_out_folder(const std::string& out);

/// The least and the most bytes a row of a file takes.
struct row_bytes {
  double least, most;
};
/// A CSV row of `numbers` doubles and `words` whole numbers or status words, as the writers write it:
/// each 1 character at least, a double at most 24 (shortest round-trip digits) and a word 19, each with
/// its comma or the newline.
row_bytes csv_row_bytes(int numbers, int words);

/// "812 bytes", "39.1 MiB", "8.3 GiB": a size in the binary unit that keeps it below 1024 as printed.
std::string bytes_text(double bytes);

/// bytes_texts' unit for sizes of memory, whatever their size: GiB.
inline constexpr int in_gib = 3;

/// Two sizes as bytes_text gives them (each in its own unit; with `unit`, in_gib, both in that one),
/// with the decimals, 1 to 4, that tell them apart where 4 do: "1.02 GiB" and "1.01 GiB", not
/// "1.0 GiB" twice.
std::pair<std::string, std::string> bytes_texts(double a, double b, int unit = -1);

/// Against the free space of the file system --out's folder is on, what --out will hold (`what`: "the
/// 10^6 trajectories"), which the write would find only at the end of the run: fdgd::error where even
/// the `least` bytes it can take exceed it, a warning where the `most` do.
void check_out_fits(const std::string& out, double least, double most, const std::string& what);

/// Where the starts of an --init-file come from, as count_source names it: the file, whose width is d.
inline constexpr const char* starts_in_the_file = "starts in the file";

/// The error for a run of `count` starts that needs `need` bytes, more than the host has available.
/// `count_flag`: where the number of starts comes from (count_source), which the advice names.
std::runtime_error not_enough_memory(std::int64_t count, int dim, double need, const char* count_flag);

/// The bytes of `count` points of `dim` float64 coordinates: starts read from a file, or the points trace
/// holds between its stretches, beside the run's own.
double points_bytes(std::int64_t count, int dim);

/// Refuses a run that needs more host memory than is available before anything large is allocated:
/// under memory overcommit its allocations could succeed and the process be killed when it touches them.
/// With `top` (a run's --top; 0 where the final points are not grouped), a warning where grouping them
/// could not fit after the run if they stayed scattered (every point a cell of its own:
/// grouping_bytes_needed). Not a refusal: final points that converge form few cells (10^7 starts of
/// himmelblau: 4), and need little. `beside`: bytes the command holds besides the run's (trace: the
/// paths' points between stretches).
void check_host_memory(const objective_choice& b, std::int64_t count, int dim, const options& o, const char* count_flag, int top,
                       double beside = 0);

/// The host memory check_host_memory compares with what is available: the run's (b.host_bytes_needed,
/// for --expr its program made at d), the box, and `beside`.
double command_host_bytes(const objective_choice& b, std::int64_t count, int dim, const options& o, double beside = 0);

/// Where x + h and x - h round to the same number, every central difference is 0 and a start does not
/// move: with an h that small next to the largest |coordinate|, the run would silently do nothing
/// there. A warning, not an error: smaller coordinates may still move. Also where h is so large that
/// x + h rounds to h at every start: the differences then see h alone.
void warn_if_h_vanishes(double h, precision prec, double largest);
/// Warns on stderr where the central difference's rounding noise, lr ulp(f) / 2h at the largest |f|
/// among the minima listed (each minimum's rounding is that of its own f), moves final points further than cluster_tol / (d + 1),
/// the spread within which one minimum's points are sure to form one group: its points may then be counted as many minima (f32 at
/// the default h). Not beyond 1000 cluster_tol: there the run diverged, or h is far off, and no
/// grouping would tell minima apart.
/// `grouped`: the final points grouped in all, listed or not.
void warn_if_noise_splits_minima(const std::vector<minimum_group>& minima, std::int64_t grouped, int dim, const options& o,
                                 double cluster_tol);

/// Warns where a built-in of any d or an expression with sums or products (objective_choice::sums_over_d)
/// is run at a d so large that its gradient, which redoes the sum after each moved term to keep the
/// reference's bits, makes the run long: about d^2 additions a step of a start, 10^12 or more on the
/// busiest thread (a CPU thread takes a lockstep block whole: with AVX2 32 starts, 64 in f32, an expression's 64 and 128;
/// a GPU thread one start) (minutes and more; 13 days at d = 10^8), at d >= 1000. Likewise, at any d,
/// where an expression run on the CPU is too large for patches (compiled_expression::cpu_work_a_step),
/// so that its gradient evaluates it whole 2d times.
void warn_if_gradient_is_quadratic(const objective_choice& b, std::int64_t count, int dim, const options& o);

/// Whether a built-in's run with options o goes to a CUDA device (false where asking for one throws:
/// the run says why).
bool goes_to_cuda(const options& o);

/// The largest |coordinate| a start can have: from the box, or from the given points.
double largest_coordinate(const starts& s);

}  // namespace fdgd::cli
