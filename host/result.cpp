#include "fdgd/result.hpp"

#include <algorithm>
#include <cstdint>
#include <locale>
#include <new>
#include <sstream>
#include <stdexcept>
#include <string>

#include "fdgd/detail/background_fill.hpp"
#include "fdgd/detail/host_loop.hpp"
#include "fdgd/detail/number_text.hpp"

namespace fdgd {

const char* to_string(trajectory_status s) {
  switch (s) {
    case trajectory_status::running: return "running";
    case trajectory_status::finished: return "finished";
    case trajectory_status::converged: return "converged";
    case trajectory_status::stalled: return "stalled";
    case trajectory_status::unresolved: return "unresolved";
    case trajectory_status::nonfinite: return "nonfinite";
  }
  return "unknown";
}

void result::resize(std::int64_t n, int d, int threads) {
  detail::checked_team(threads, "result::resize");
  if (n < 0 || d < 0 || (n > 0 && d < 1))
    throw std::invalid_argument("fdgd: result::resize: n = " + std::to_string(n) + ", d = " + std::to_string(d) +
                                " (n must be >= 0, d >= 1 where n > 0)");
  detail::size_result(*this, n, d);
  detail::fill_result(*this, threads);
}

void result::check_shape() const {
  const auto n = std::size_t(std::max<std::int64_t>(count, 0));
  if (count < 0 || (count > 0 && dim < 1) || x.size() != n * std::size_t(std::max(dim, 0)) || f.size() != n ||
      grad_norm.size() != n || steps.size() != n || status.size() != n)
    throw std::invalid_argument("fdgd: inconsistent result: count " + std::to_string(count) + ", dim " + std::to_string(dim) +
                                ", " + std::to_string(x.size()) + " coordinates, " + std::to_string(f.size()) + " values of f, " +
                                std::to_string(grad_norm.size()) + " of grad_norm, " + std::to_string(steps.size()) +
                                " of steps, " + std::to_string(status.size()) + " statuses");
}

namespace detail {

void size_result(result& r, std::int64_t n, int d) {
  // More than memory could hold (or than size_t counts) is what it is: out of memory, one exception type.
  if (n < 0 || d < 0 || (d > 0 && std::uint64_t(n) > std::uint64_t(PTRDIFF_MAX) / sizeof(double) / std::uint64_t(d)))
    throw std::bad_alloc();
  r.dim = d;
  r.count = n;
  const auto un = std::size_t(n), ud = std::size_t(d);
  r.x.resize(un * ud);
  r.f.resize(un);
  r.grad_norm.resize(un);
  r.steps.resize(un);
  r.status.resize(un);
}

void fill_result(result& r, int threads) {
  const auto ud = std::size_t(r.dim);
  // The first write to each page faults; from every thread, they take a fraction of the time.
#pragma omp parallel for schedule(static) num_threads(openmp_team(threads))
  for (std::int64_t i = 0; i < r.count; ++i) {
    const auto ui = std::size_t(i);
    std::fill_n(r.x.data() + ui * ud, ud, 0.0);
    r.f[ui] = r.grad_norm[ui] = 0.0;
    r.steps[ui] = 0;
    r.status[ui] = trajectory_status::running;
  }
}

background_fill::background_fill(result& r, std::int64_t n, int d, int threads) {
  size_result(r, n, d);
  const auto bytes =
      r.x.size() * sizeof(double) + r.f.size() * (2 * sizeof(double) + sizeof(std::int64_t) + sizeof(trajectory_status));
#if defined(_OPENMP)
  const bool nested = omp_in_parallel();
#else
  const bool nested = false;
#endif
  const int team = openmp_team(threads);
  if (bytes >= (std::size_t(16) << 20) && team >= 2 && !nested) {
    try {
      worker_ = std::thread([&r, team] { fill_result(r, team - 1); });
      return;
    } catch (...) {  // no thread to be had (std::system_error, std::bad_alloc): fill here
    }
  }
  fill_result(r, threads);
}

}  // namespace detail

void result::summarize(int threads) {
  const int team = detail::checked_team(threads, "result::summarize");
  check_shape();
  best = -1;
  finished = converged = nonfinite = stalled = unresolved = 0;
  // Each thread a contiguous range in order; the merge takes the least f and, among equal ones, the
  // lowest index: the serial loop's first least f.
#pragma omp parallel num_threads(team)
  {
    std::int64_t fin = 0, conv = 0, stal = 0, unres = 0, nonf = 0, b = -1;
#pragma omp for schedule(static) nowait
    for (std::int64_t i = 0; i < count; ++i) {
      const auto s = status[std::size_t(i)];
      fin += s == trajectory_status::finished;
      conv += s == trajectory_status::converged;
      stal += s == trajectory_status::stalled;
      unres += s == trajectory_status::unresolved;
      nonf += s == trajectory_status::nonfinite;
      const double fi = f[std::size_t(i)];
      // Not where f says nothing of a minimum: a nonfinite end, or an unresolved one (x_i frozen).
      const bool says = s != trajectory_status::nonfinite && s != trajectory_status::unresolved;
      if (says && is_finite(fi) && (b < 0 || fi < f[std::size_t(b)])) b = i;
    }
#pragma omp critical
    {
      finished += fin, converged += conv, stalled += stal, unresolved += unres, nonfinite += nonf;
      if (b >= 0 &&
          (best < 0 || f[std::size_t(b)] < f[std::size_t(best)] || (f[std::size_t(b)] == f[std::size_t(best)] && b < best)))
        best = b;
    }
  }
  // A status of none of the five (one written by hand, or `running`) would leave the counts short of count.
  if (finished + converged + stalled + unresolved + nonfinite != count)
    for (std::int64_t i = 0; i < count; ++i)
      if (const auto s = status[std::size_t(i)]; s < trajectory_status::finished || s > trajectory_status::unresolved)
        throw std::invalid_argument("fdgd: inconsistent result: trajectory " + std::to_string(i) + " has status " +
                                    std::to_string(int(s)) + ", none of a finished run's (1..5)");
}

std::string result::brief_report() const {
  check_shape();
  if (best >= count || best < -1)
    throw std::invalid_argument("fdgd: inconsistent result: best " + std::to_string(best) + " of " + std::to_string(count));
  std::ostringstream out;
  out.imbue(std::locale::classic());  // "0.5 s" whatever std::locale::global a program has set
  out << "backend: " << backend << " (" << device << ")\n"
      << "trajectories: " << count << " of dimension " << dim << ", " << seconds << " s\n"
      << "status: " << finished << " finished, " << converged << " converged, " << stalled << " stalled, " << unresolved
      << " unresolved, " << nonfinite << " nonfinite\n";
  if (best < 0) {
    out << detail::no_best_line;
    return out.str();
  }
  out << "best: f = " << detail::number_text(f[std::size_t(best)]) << " at start " << best << ", x = (";
  for (int j = 0; j < dim; ++j)
    out << (j ? ", " : "") << detail::number_text(x[std::size_t(best) * std::size_t(dim) + std::size_t(j)]);
  out << ")\n";
  return out.str();
}

}  // namespace fdgd
