// Compile-environment switches shared by host, CUDA and (later) NVRTC code.
#pragma once

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

namespace fdgd {
/// Template argument for "dimension known only at run time".
inline constexpr int dynamic_dim = 0;
}  // namespace fdgd
