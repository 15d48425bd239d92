// cuda_device.hpp for a build without the CUDA toolkit.
#include "fdgd/cuda_device.hpp"

#include "fdgd/error.hpp"

namespace fdgd {

#ifndef FDGD_WITHOUT_CUDA_BECAUSE  // set by CMakeLists.txt, which knows why
#define FDGD_WITHOUT_CUDA_BECAUSE "its build had no CUDA toolkit"
#endif

bool cuda_device_available(int, std::string* why) {
  if (why) *why = "fdgd was built without CUDA: " FDGD_WITHOUT_CUDA_BECAUSE;
  return false;
}

std::string cuda_device_name(int) { throw error("fdgd: fdgd was built without CUDA: " FDGD_WITHOUT_CUDA_BECAUSE); }

void require_cuda_device(int ordinal) {
  std::string why;
  cuda_device_available(ordinal, &why);
  throw error("fdgd: the CUDA backend cannot run: " + why);
}

}  // namespace fdgd
