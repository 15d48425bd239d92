// fdgd_bench_run FUNCTION DIM N STEPS LR SEED BACKEND DUMP_PREFIX
// One timed run of a built-in; prints "seconds <t> descent <t> backend <name> device <name>" (the whole
// run, and result::descent_seconds) and writes the starts and the
// final points as raw little-endian float64 (N x DIM, row-major) to DUMP_PREFIX.starts / .x, for
// bench/peers/ (a DUMP_PREFIX of "-" writes nothing: a repeat that only times).
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "fdgd/minimize.hpp"

namespace {

bool write_raw(const std::string& path, const double* data, std::size_t count) {
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (!out) return false;
  const bool ok = std::fwrite(data, sizeof(double), count, out) == count;
  return std::fclose(out) == 0 && ok;
}

// An argument read whole as a number (a whole one where `whole`), or a usage error naming it.
double number(const char* text, const char* what, bool whole) {
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(v) || (whole && (v != std::floor(v) || std::fabs(v) >= 0x1p63))) {
    std::fprintf(stderr, "fdgd_bench_run: %s: not %s: %s\n", what, whole ? "a whole number" : "a number", text);
    std::exit(2);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 9) {
    std::fprintf(stderr, "usage: %s FUNCTION DIM N STEPS LR SEED cpu|cuda|auto DUMP_PREFIX\n", argv[0]);
    return 2;
  }
  try {
    const std::string function = argv[1];
    const double dim_read = number(argv[2], "DIM", true);
    if (dim_read < 1 || dim_read > 1 << 20) return std::fprintf(stderr, "fdgd_bench_run: DIM: out of range: %s\n", argv[2]), 2;
    const int dim = int(dim_read);
    const auto n = std::int64_t(number(argv[3], "N", true));
    fdgd::options o;
    o.steps = std::int64_t(number(argv[4], "STEPS", true));
    o.lr = number(argv[5], "LR", false);
    char* end = nullptr;
    errno = 0;
    const auto seed = std::uint64_t(std::strtoull(argv[6], &end, 10));
    if (end == argv[6] || *end != '\0' || argv[6][0] == '-' || errno == ERANGE)
      return std::fprintf(stderr, "fdgd_bench_run: SEED: not a whole number 0..2^64-1: %s\n", argv[6]), 2;
    const std::string backend = argv[7];
    if (backend != "cpu" && backend != "cuda" && backend != "auto")
      return std::fprintf(stderr, "fdgd_bench_run: BACKEND: not cpu, cuda or auto: %s\n", argv[7]), 2;
    o.backend = backend == "cpu"    ? fdgd::backend_kind::cpu
                : backend == "cuda" ? fdgd::backend_kind::cuda
                                    : fdgd::backend_kind::automatic;
    const auto box = fdgd::find_builtin(function).box(dim);
    const auto starts = fdgd::starts::uniform(box.lo, box.hi, n, seed);
    // A small run first, as the peers warm up: CUDA loads a kernel's module at its first launch.
    fdgd::minimize(function, fdgd::starts::uniform(box.lo, box.hi, std::min<std::int64_t>(n, 1024), seed), o);
    const fdgd::result r = fdgd::minimize(function, starts, o);
    std::printf("seconds %.6f descent %.6f backend %s device %s\n", r.seconds, r.descent_seconds, r.backend.c_str(),
                r.device.c_str());
    const std::string prefix = argv[8];
    if (prefix == "-") return 0;
    std::vector<double> points(std::size_t(n) * std::size_t(dim));
    for (std::int64_t i = 0; i < n; ++i)
      for (int j = 0; j < dim; ++j) points[std::size_t(i * dim + j)] = starts.coordinate(i, j);
    if (!write_raw(prefix + ".starts", points.data(), points.size()) || !write_raw(prefix + ".x", r.x.data(), r.x.size())) {
      std::fprintf(stderr, "fdgd_bench_run: cannot write %s.starts / .x\n", prefix.c_str());
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}
