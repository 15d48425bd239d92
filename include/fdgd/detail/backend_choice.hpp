// Turning options::backend into "run on CUDA or not", the same way for built-ins and custom objectives.
#pragma once
#include "fdgd/cuda_device.hpp"
#include "fdgd/error.hpp"
#include "fdgd/options.hpp"

namespace fdgd::detail {

/// True when the run goes to CUDA: asked for (and usable, or this throws fdgd::error), or automatic
/// with a device present. `compiled_for_cuda` says whether the objective has CUDA kernels at all.
inline bool use_cuda(const options& o, bool compiled_for_cuda) {
  switch (o.backend) {
    case backend_kind::cpu: return false;
    case backend_kind::cuda:
      if (!compiled_for_cuda)
        throw error("fdgd: the CUDA backend runs a custom objective only from a translation unit compiled by nvcc");
      require_cuda_device(o.cuda_device);
      return true;
    case backend_kind::automatic: return compiled_for_cuda && cuda_device_available(o.cuda_device);
  }
  return false;
}

}  // namespace fdgd::detail
