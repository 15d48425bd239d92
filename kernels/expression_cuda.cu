// Driver API types only: the entry points come through the runtime (fdgd/cuda/driver_entry.cuh).
#include <cuda.h>

#include <chrono>
#include <optional>

#include "fdgd/cuda/driver_entry.cuh"
#include "fdgd/cuda_backend.cuh"
#include "fdgd/detail/dispatch.hpp"
#include "host/expression/cuda_source.hpp"
#include "host/expression/expression_cuda.hpp"
#include "host/expression/kernel_cache.hpp"

namespace fdgd::expr {
namespace {

using load_fn = CUresult (*)(CUmodule*, const void*);
using unload_fn = CUresult (*)(CUmodule);
using function_fn = CUresult (*)(CUfunction*, CUmodule, const char*);
using launch_fn = CUresult (*)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream, void**,
                               void**);
using error_fn = CUresult (*)(CUresult, const char**);
using occupancy_fn = CUresult (*)(int*, CUfunction, int, std::size_t);

struct driver_api {
  load_fn load;
  unload_fn unload;
  function_fn function;
  launch_fn launch;
  error_fn error_name;
  occupancy_fn resident_blocks;

  static const driver_api& get() {
    static const driver_api api = [] {
      driver_api a{};
      entry("cuModuleLoadData", a.load);
      entry("cuModuleUnload", a.unload);
      entry("cuModuleGetFunction", a.function);
      entry("cuLaunchKernel", a.launch);
      entry("cuGetErrorName", a.error_name);
      entry("cuOccupancyMaxActiveBlocksPerMultiprocessor", a.resident_blocks);
      return a;
    }();
    return api;
  }

  void check(CUresult r, const std::string& what) const {
    if (r == CUDA_SUCCESS) return;
    const char* name = "unknown error";
    error_name(r, &name);
    throw cuda_error("fdgd: CUDA driver call " + what + " failed: " + name);
  }

 private:
  template <class Fn>
  static void entry(const char* symbol, Fn& fn) {
    cudaError_t e = cudaSuccess;
    fn = fdgd::detail::driver_entry<Fn>(symbol, &e);
    if (e != cudaSuccess)
      fdgd::detail::throw_cuda_error(e, "cudaGetDriverEntryPointByVersion(symbol, &p, 12000, cudaEnableDefault, &found)", __FILE__,
                                     __LINE__);
    if (!fn) throw cuda_error(std::string("fdgd: the CUDA driver has no ") + symbol);
  }
};

/// A loaded module, unloaded when done.
class module {
 public:
  explicit module(const std::string& image) { api().check(api().load(&m_, image.data()), "cuModuleLoadData"); }
  ~module() { api().unload(m_); }
  module(const module&) = delete;
  module& operator=(const module&) = delete;
  CUfunction function(const char* name) const {
    CUfunction f = nullptr;
    api().check(api().function(&f, m_, name), std::string("cuModuleGetFunction(") + name + ")");
    return f;
  }

 private:
  static const driver_api& api() { return driver_api::get(); }
  CUmodule m_ = nullptr;
};

/// The CUDA backend's four kernels, as the expression's module has them (extern "C", see cuda_source).
template <class T>
struct module_kernels {
  CUfunction generate_fn, reset_fn, advance_fn, evaluate_fn;

  explicit module_kernels(const module& m)
      : generate_fn(m.function("fdgd_generate_starts")),
        reset_fn(m.function("fdgd_reset")),
        advance_fn(m.function("fdgd_advance")),
        evaluate_fn(m.function("fdgd_evaluate")) {}

  void generate(fdgd::detail::launch_shape s, fdgd::detail::device_batch_view<T> v, const double* lo, const double* hi,
                std::uint64_t seed, std::int64_t first, trajectory_status initial) const {
    void* args[] = {&v, &lo, &hi, &seed, &first, &initial};
    launch(generate_fn, "fdgd_generate_starts", s, args);
  }
  void reset(fdgd::detail::launch_shape s, fdgd::detail::device_batch_view<T> v, trajectory_status initial) const {
    void* args[] = {&v, &initial};
    launch(reset_fn, "fdgd_reset", s, args);
  }
  void advance(fdgd::detail::launch_shape s, fdgd::detail::device_batch_view<T> v, step_params<T> p, std::int64_t k) const {
    void* args[] = {&v, &p, &k};
    launch(advance_fn, "fdgd_advance", s, args);
  }
  void evaluate(fdgd::detail::launch_shape s, fdgd::detail::device_batch_view<T> v, step_params<T> p) const {
    void* args[] = {&v, &p};
    launch(evaluate_fn, "fdgd_evaluate", s, args);
  }
  unsigned advance_threads() const { return threads_for(advance_fn); }
  unsigned evaluate_threads() const { return threads_for(evaluate_fn); }

 private:
  static unsigned threads_for(CUfunction f) {
    return fdgd::detail::block_threads_for([&](unsigned threads) {
      int blocks = 0;
      driver_api::get().check(driver_api::get().resident_blocks(&blocks, f, int(threads), 0),
                              "cuOccupancyMaxActiveBlocksPerMultiprocessor");
      return blocks;
    });
  }
  static void launch(CUfunction f, const char* name, fdgd::detail::launch_shape s, void** args) {
    driver_api::get().check(driver_api::get().launch(f, s.blocks, 1, 1, s.threads, 1, 1, 0, nullptr, args, nullptr),
                            std::string("cuLaunchKernel(") + name + ")");
    if constexpr (fdgd::detail::debug_sync)
      if (const cudaError_t e = cudaDeviceSynchronize(); e != cudaSuccess)
        fdgd::detail::throw_cuda_error(e, (std::string("run of ") + name).c_str(), __FILE__, __LINE__);
  }
};

/// Compile-time dimensions up to this run in registers, as the built-ins' largest instantiated one.
constexpr int max_register_dim = 32;
static_assert(max_register_dim <= max_generated_patch_dim,
              "the generated sums are loops above max_generated_patch_dim, which must be on the run-time path: an index "
              "computed at run time would move a point in registers to local memory");

}  // namespace

result solve_on_cuda(const program& p, const starts& s, const options& o) {
  o.validate();
  fdgd::detail::check_not_empty(s);
  if (o.prec == precision::f32) fdgd::detail::check_fits_single_precision(s);
  if (s.dim() != p.dim)
    throw std::invalid_argument("fdgd: invalid starts: dim = " + std::to_string(s.dim()) +
                                " but the expression was bound to dim = " + std::to_string(p.dim));
  require_cuda_device(o.cuda_device);
  const fdgd::detail::scoped_cuda_device on_device(o.cuda_device);  // the module unloads on it too
  FDGD_CUDA_TRY(cudaFree(nullptr));  // the runtime's primary context, which the driver calls then use
  cudaDeviceProp prop{};
  FDGD_CUDA_TRY(cudaGetDeviceProperties(&prop, o.cuda_device));
  const std::string arch = nvrtc_arch(prop.major, prop.minor);

  const auto t0 = std::chrono::steady_clock::now();
  const bool registers = p.dim <= max_register_dim;
  const std::string source = cuda_source(p, o.prec, registers ? p.dim : dynamic_dim);
  bool hit = false;
  const std::string key = nvrtc_cache_key(source, arch);
  const auto compile = [&] { return nvrtc_compile(source, arch); };
  std::optional<module> m;
  try {
    m.emplace(cached_kernel(key, compile, &hit));
  } catch (const cuda_error&) {
    if (!hit) throw;
    // A cached image the driver will not load (a PTX entry after a driver downgrade, say): compiled
    // afresh and stored over it, rather than refused on every run until the cache is cleared.
    m.emplace(cached_kernel(key, compile, &hit, true));
  }
  const double compile_seconds = hit ? 0.0 : std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  result r = fdgd::detail::with_precision(o.prec, [&](auto t) {
    using T = typename decltype(t)::type;
    const module_kernels<T> kernels(*m);
    // The host side only distinguishes a compile-time dimension (1 stands for any) from the run-time one.
    return registers ? fdgd::detail::run_cuda<T, 1>(kernels, s, o) : fdgd::detail::run_cuda<T, dynamic_dim>(kernels, s, o);
  });
  r.compile_seconds = compile_seconds;
  return r;
}

}  // namespace fdgd::expr
