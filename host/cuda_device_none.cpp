// cuda_device.hpp for a build without the CUDA toolkit.
#include "fdgd/cuda_device.hpp"

#include "fdgd/error.hpp"

namespace fdgd {

bool cuda_device_available(int, std::string* why) {
  if (why) *why = "fdgd was built without CUDA (no CUDA toolkit was found at configure time)";
  return false;
}

std::string cuda_device_name(int) { throw error("fdgd: fdgd was built without CUDA"); }

void require_cuda_device(int ordinal) {
  std::string why;
  cuda_device_available(ordinal, &why);
  throw error("fdgd: the CUDA backend cannot run: " + why);
}

}  // namespace fdgd
