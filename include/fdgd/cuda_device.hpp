// Whether the CUDA backend can run here. Plain C++: callable from any translation unit.
#pragma once
#include <string>

namespace fdgd {

/// True when CUDA device `ordinal` exists and can be used. Otherwise false, and `why` (if given) says
/// why: no device, no driver, a bad ordinal, a device this build's kernels cannot run on (none of its
/// CMAKE_CUDA_ARCHITECTURES has code for it: the message names the one to rebuild with; or a driver
/// older than the toolkit), or a build without CUDA.
bool cuda_device_available(int ordinal = 0, std::string* why = nullptr);

/// The device's name and compute capability, e.g. "NVIDIA H200 (sm_90)". Throws
/// fdgd::cuda_error when a CUDA call fails, fdgd::error in a build without CUDA.
std::string cuda_device_name(int ordinal = 0);

/// Throws fdgd::error naming the cause when the CUDA backend cannot run on device `ordinal`.
void require_cuda_device(int ordinal);

}  // namespace fdgd
