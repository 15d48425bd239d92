// Everything that steers a run, with the seed's defaults. Plain data; validate() checks it.
#pragma once
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

#include "fdgd/detail/number_text.hpp"
#include "fdgd/finite.hpp"

namespace fdgd {

/// Where the descent runs.
enum class backend_kind {
  automatic,  ///< CUDA when a device is present (and the objective was compiled for it), else CPU
  cpu,        ///< all cores, OpenMP
  cuda,       ///< one CUDA thread per trajectory; an fdgd::error when no device is present
};

/// Working precision of the descent. Results are reported in double either way.
enum class precision { f64, f32 };

/// Where a run stands, passed to options::on_progress after every launch.
struct progress {
  std::int64_t steps_done;   ///< steps done, counted over all chunks (each chunk counts options::steps)
  std::int64_t steps_total;  ///< chunks x options::steps; both held at the largest int64 beyond it
  std::int64_t live;         ///< trajectories of the current chunk still descending
  std::int64_t waiting = 0;  ///< trajectories of the chunks not yet begun (live + waiting: the run's)
};

/// The most CPU threads options::threads may ask for: more than any machine's cores, and far below
/// where thread creation fails (40000 threads failed to start on a 2-core machine; 100000 crashed).
inline constexpr int max_cpu_threads = 4096;

struct options {
  double lr = 0.01;          ///< learning rate: x <- x - lr * grad; finite and > 0
  double h = 1e-4;           ///< central-difference half step; > 0 with 2h finite
  std::int64_t steps = 100;  ///< steps per trajectory; >= 0
  /// Stop a trajectory once |grad| <= gtol ("converged"); 0 (default) disables. 0, or at least
  /// 2^-511 = 1.4916681462400413e-154 (2^-63 = 1.0842021724855044e-19 in f32), below which the gradient's sum of squares underflows
  /// and a gradient above gtol could pass for 0. In f32 the test uses the largest float <= gtol. (At
  /// that floor itself, a trajectory converged on a sum of squares that has lost bits to underflow
  /// may report a grad_norm, rescaled, a few hundred ulp above gtol.)
  double gtol = 0;
  /// Steps each launch advances every live trajectory by: 1 is one launch per step, 0 (default) fuses
  /// all steps into one launch. Results are bitwise identical for every value.
  std::int64_t steps_per_launch = 0;
  /// Most trajectories resident on the backend at once; larger batches stream through in chunks.
  /// 0 (default) sizes chunks from the free device memory (CUDA), or 2^20 on the CPU (in f32, at most
  /// 64 MiB of float rows, or 256 a thread where more). Results do not depend on it.
  std::int64_t chunk_size = 0;
  backend_kind backend = backend_kind::automatic;  ///< where it runs; automatic (default): CUDA when a device is usable
  precision prec = precision::f64;                 ///< working precision of the descent (default f64)
  /// CPU threads, 0..max_cpu_threads; 0 uses OpenMP's default (all cores, or OMP_NUM_THREADS where set),
  /// at most max_cpu_threads
  int threads = 0;
  /// CUDA device ordinal; current for the call only: the caller's context, or none, is current again
  /// after. (From a thread with no context, the runtime's own choice of device, cudaGetDevice, is then
  /// this one, as a cudaSetDevice would leave it: call cudaSetDevice before CUDA calls of your own there.)
  int cuda_device = 0;
  /// Called on the calling thread after every launch; empty (default) for none. With the default
  /// steps_per_launch (all steps fused) that is once per chunk: set steps_per_launch for finer news.
  /// To stop a run early, throw from it: no further launch is made, and the exception reaches the
  /// caller of minimize (or solve), with no result. On a CUDA run it is called with the run's device
  /// current: leave the thread's device and context as they are (the run's later calls use them).
  std::function<void(const progress&)> on_progress;

  /// Throws std::invalid_argument naming the first invalid option and its value.
  void validate() const {
    auto fail = [](const char* name, const std::string& value, const char* rule) {
      throw std::invalid_argument(std::string("fdgd: invalid option ") + name + " = " + value + " (" + rule + ")");
    };
    using detail::number_text;
    if (!is_finite(lr) || !(lr > 0)) fail("lr", number_text(lr), "must be finite and > 0");
    if (!is_finite(2 * h) || !(h > 0)) fail("h", number_text(h), "must be > 0 with 2h finite");
    if (steps < 0) fail("steps", std::to_string(steps), "must be >= 0");
    if (!is_finite(gtol) || gtol < 0) fail("gtol", number_text(gtol), "must be finite and >= 0; 0 disables it");
    const double least_gtol =
        std::sqrt(prec == precision::f32 ? double(std::numeric_limits<float>::min()) : std::numeric_limits<double>::min());
    if (gtol > 0 && gtol < least_gtol)
      fail("gtol", number_text(gtol),
           prec == precision::f32
               ? "is below 2^-63 = 1.0842021724855044e-19, where the gradient's sum of squares underflows in single precision "
                 "(f32) and a gradient above gtol could pass for 0; use f64, 0 (off) or a larger gtol"
               : "is below 2^-511 = 1.4916681462400413e-154, where the gradient's sum of squares underflows and a gradient above "
                 "gtol could pass for 0; use 0 (off) or a larger gtol");
    if (steps_per_launch < 0) fail("steps_per_launch", std::to_string(steps_per_launch), "must be >= 0; 0 fuses all steps");
    if (chunk_size < 0) fail("chunk_size", std::to_string(chunk_size), "must be >= 0; 0 sizes chunks automatically");
    if (threads < 0 || threads > max_cpu_threads) fail("threads", std::to_string(threads), "must be in 0..4096; 0 uses all cores");
    static_assert(max_cpu_threads == 4096, "the message above names the limit");
    if (cuda_device < 0) fail("cuda_device", std::to_string(cuda_device), "must be >= 0");
    if (prec != precision::f64 && prec != precision::f32) fail("prec", std::to_string(int(prec)), "must be f64 or f32");
    if (backend != backend_kind::automatic && backend != backend_kind::cpu && backend != backend_kind::cuda)
      fail("backend", std::to_string(int(backend)), "must be automatic, cpu or cuda");
    if (prec == precision::f32) {
      // The descent runs on float(lr), float(h), float(gtol): 0 or infinity there would silently
      // freeze, or wreck, every trajectory.
      const char* zero = "is 0 in single precision (f32); use f64";
      const char* beyond = "is beyond single precision's range (3.4e38); use f64";
      if (beyond_float(lr)) fail("lr", number_text(lr), beyond);  // before float(lr): out of range, that is undefined
      if (float(lr) == 0) fail("lr", number_text(lr), zero);
      if (beyond_float(2 * h)) fail("h", number_text(h), "makes 2h beyond single precision's range (3.4e38); use f64");
      if (float(h) == 0) fail("h", number_text(h), zero);
      if (beyond_float(gtol)) fail("gtol", number_text(gtol), beyond);
    }
  }
};

}  // namespace fdgd
