// --expr on CUDA: compile (or take from the cache) the expression's kernels and run them.
#pragma once
#include "fdgd/expression_program.hpp"
#include "fdgd/options.hpp"
#include "fdgd/result.hpp"
#include "fdgd/starts.hpp"

namespace fdgd::expr {

/// Runs `p` on CUDA device options::cuda_device: NVRTC compiles its kernels for the device's
/// architecture (once; kernel_cache keeps them), the driver API loads and launches them, and the CUDA
/// backend's host loop drives them. Compile-time d up to 32 (registers), the run-time path above.
/// Throws fdgd::error (no device, NVRTC failure) or fdgd::cuda_error.
result solve_on_cuda(const program& p, const starts& s, const options& o);

}  // namespace fdgd::expr
