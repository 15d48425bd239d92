// Device memory that is freed without throwing. Once a kernel faults (an illegal address, a trap, a
// watchdog timeout), every later CUDA call fails, cudaFree included; thrust::device_vector then
// throws from its noexcept destructor while the fault's own fdgd::cuda_error unwinds, and the
// process terminates. For nvcc translation units.
#pragma once
#include <cuda_runtime_api.h>

#include <cstddef>
#include <new>
#include <vector>

#include "fdgd/cuda_check.cuh"

namespace fdgd::detail {

/// The device has no memory for an allocation: a std::bad_alloc, told apart from the host's.
struct device_bad_alloc : std::bad_alloc {
  const char* what() const noexcept override { return "fdgd: out of device memory"; }
};

/// `bytes` of device memory (nullptr for 0). Throws device_bad_alloc when the device is out of memory,
/// else fdgd::cuda_error for a failing cudaMalloc; free it with cudaFree, its status ignored (see above).
inline void* device_allocate(std::size_t bytes) {
  void* p = nullptr;
  if (bytes == 0) return p;
  const cudaError_t e = cudaMalloc(&p, bytes);
  if (e == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // not sticky: clear it, so that the caller may retry smaller
    throw device_bad_alloc();
  }
  if (e != cudaSuccess) throw_cuda_error(e, "cudaMalloc", __FILE__, __LINE__);
  return p;
}

template <class T>
class device_array {
 public:
  device_array() = default;
  /// n values, uninitialised. Throws device_bad_alloc when the device is out of memory, else
  /// fdgd::cuda_error for a failing cudaMalloc.
  explicit device_array(std::size_t n) : data_(static_cast<T*>(device_allocate(n * sizeof(T)))), size_(n) {}
  /// A device copy of `host`.
  explicit device_array(const std::vector<T>& host) : device_array(host.size()) {
    if (size_ != 0) FDGD_CUDA_TRY(cudaMemcpy(data_, host.data(), size_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  ~device_array() {
    if (data_) cudaFree(data_);  // its status is ignored on purpose, see above
  }
  device_array(const device_array&) = delete;
  device_array& operator=(const device_array&) = delete;

  T* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace fdgd::detail
