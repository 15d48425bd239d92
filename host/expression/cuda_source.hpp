// CUDA C++ for an expression, generated from its program (never from the user's text), and its
// compilation by NVRTC.
#pragma once
#include <string>

#include "fdgd/expression_program.hpp"
#include "fdgd/options.hpp"

namespace fdgd::expr {

/// A translation unit for NVRTC: the expression as an objective functor (straight-line code, one
/// variable an instruction) and extern "C" kernels fdgd_generate_starts, fdgd_reset, fdgd_advance and
/// fdgd_evaluate around the CUDA backend's own bodies (fdgd/cuda/kernels.cuh), for precision `prec` and
/// compile-time dimension `fixed_dim` (dynamic_dim: the run-time path).
std::string cuda_source(const program& p, precision prec, int fixed_dim);

/// Up to this dimension the generated functor differentiates by the program's patches; beyond it, by
/// whole evaluations. Straight-line patches grow as d^2 (a sum's patch i redoes the additions after
/// term i), and NVRTC's compile time faster still.
inline constexpr int max_generated_patch_dim = 64;

/// The objective functor alone, `struct fdgd_expression`, in a scope that defines T: its operator()
/// and, where the program has patches and d <= max_generated_patch_dim, its own central difference
/// (central_gradient).
std::string objective_source(const program& p, precision prec);

#if defined(FDGD_HAS_CUDA)
/// Compiles `source` with NVRTC for `arch` ("compute_90": PTX, "sm_90": a cubin), with fdgd's device
/// headers built in. Throws fdgd::error with NVRTC's log when it fails.
std::string nvrtc_compile(const std::string& source, const std::string& arch);
/// The arch nvrtc_compile takes for a device of compute capability major.minor: "sm_90" where this NVRTC
/// knows it; for a device newer than NVRTC knows, PTX of the newest architecture before it
/// ("compute_120"), which the driver compiles for the device. Throws fdgd::error where NVRTC knows
/// none at or below it.
std::string nvrtc_arch(int major, int minor);
/// What names the kernels nvrtc_compile(source, arch) gives, for the kernel cache: the source, NVRTC's
/// version and options, and the text of every fdgd header built in, so that a new fdgd or NVRTC
/// never takes an old entry.
std::string nvrtc_cache_key(const std::string& source, const std::string& arch);
#endif

}  // namespace fdgd::expr
