// Compile-environment switches shared by host, CUDA and NVRTC code. NVRTC has no standard library,
// so for it this defines the few std names the device headers use.
#pragma once

#if defined(__CUDACC_RTC__)
namespace std {
using int8_t = signed char;
using uint8_t = unsigned char;
using int32_t = int;
using uint32_t = unsigned int;
using int64_t = long long;  // the host's int64_t is long: same size and layout, which is what crosses
using uint64_t = unsigned long long;
template <class T, T v>
struct integral_constant {
  static constexpr T value = v;
  constexpr operator T() const { return v; }
};
template <bool b>
using bool_constant = integral_constant<bool, b>;
using true_type = bool_constant<true>;
using false_type = bool_constant<false>;
template <class A, class B>
struct is_same : false_type {};
template <class A>
struct is_same<A, A> : true_type {};
template <class A, class B>
inline constexpr bool is_same_v = is_same<A, B>::value;
}  // namespace std
#else
#include <cstdint>
#include <type_traits>
#endif

#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
/// Marks code that runs on both host and device; empty for a plain C++ compiler.
#define FDGD_HD __host__ __device__
#else
#define FDGD_HD
#endif

// Unroll loops over coordinates in device code, so that a fixed_point's indices become constants and
// its coordinates stay in registers. (GCC ignores its unroll pragma inside templates; -O3 suffices.)
#if defined(__CUDA_ARCH__)
#define FDGD_UNROLL _Pragma("unroll")
#define FDGD_NO_UNROLL _Pragma("unroll 1")
#else
#define FDGD_UNROLL
#define FDGD_NO_UNROLL
#endif

// Code that nvcc and the host compiler build differently (solve, the CPU and CUDA backends, the host
// loop's helpers, the step and the gradient: what runs the descent, not the types) lives in an inline
// namespace named for the compiler, so that a program linking both kinds of translation unit (a .cu
// file that solves a built-in, and the library) keeps each, where the linker would otherwise keep
// one of two different definitions of the same function. The library's own files (FDGD_LIBRARY_BUILD,
// defined by its build alone) take names of their own too: a program's file built under other flags
// (a Debug build, no OpenMP) that instantiates what the library does would otherwise replace the
// library's copy for minimize() as well.
#if defined(FDGD_LIBRARY_BUILD) && defined(__CUDACC__)
#define FDGD_COMPILED_BY library_nvcc_build
#elif defined(FDGD_LIBRARY_BUILD)
#define FDGD_COMPILED_BY library_host_build
#elif defined(__CUDACC__)
#define FDGD_COMPILED_BY nvcc_build
#else
#define FDGD_COMPILED_BY host_build
#endif

namespace fdgd {
/// Template argument for "dimension known only at run time".
inline constexpr int dynamic_dim = 0;
/// The largest compile-time dimension solve runs as one: above it, the run-time-dimension path runs
/// the starts (the same bits), since a point of D coordinates for each SIMD lane would not fit a
/// thread's stack (a lane-safe objective at D = 8192 overflowed it) and buys nothing at such a d.
inline constexpr int max_compiled_dim = 512;
/// The dimension solve<D> runs its points at: D, or dynamic_dim above max_compiled_dim.
template <int D>
inline constexpr int run_dim = D > max_compiled_dim ? dynamic_dim : D;
}  // namespace fdgd
