// The roofline's ceilings, measured on the device at hand (bench/ROOFLINE.md): copy bandwidth, FP64
// and FP32 FMA rates, and the throughput of cos, exp, sqrt, division by a kernel parameter (as the
// central difference divides by 2h) and a lone multiply in FP64, from which each is weighed as that
// many FMA-flops; and the device-to-host copy bandwidth into pageable (already touched) and pinned
// memory, the floor of a run that returns its final points. Prints one JSON object.
#include <cuda_runtime_api.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#define CHECK(call)                                                                    \
  do {                                                                                 \
    const cudaError_t e_ = (call);                                                     \
    if (e_ != cudaSuccess) {                                                           \
      std::fprintf(stderr, "roofline_probe: %s: %s\n", #call, cudaGetErrorString(e_)); \
      std::exit(1);                                                                    \
    }                                                                                  \
  } while (0)

__global__ void copy(const double2* __restrict__ in, double2* __restrict__ out, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    out[i] = in[i];
}

// Data the copy moves: never zeros, which can copy faster than real data (METHOD.md).
__global__ void fill(double2* v, long long n) {
  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += (long long)gridDim.x * blockDim.x)
    v[i] = make_double2(1.0 + 1e-9 * double(i), -0.5 * double(i));
}

constexpr int chains = 8, rounds = 4096;

template <class T>
__global__ void fma_chains(T* out, T a, T b) {
  T v[chains];
  for (int c = 0; c < chains; ++c) v[c] = T(threadIdx.x + c);
  for (int r = 0; r < rounds; ++r)
#pragma unroll
    for (int c = 0; c < chains; ++c) v[c] = fma(v[c], a, b);
  T s = 0;
  for (int c = 0; c < chains; ++c) s += v[c];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

enum class fn { cos, exp, sqrt, div, mul };

template <fn F>
__global__ void elementary_chains(double* out, double a) {
  double v[chains];
  for (int c = 0; c < chains; ++c) v[c] = 0.5 + 1e-3 * (threadIdx.x + c);
  for (int r = 0; r < rounds / 16; ++r)
#pragma unroll
    for (int c = 0; c < chains; ++c) {
      if constexpr (F == fn::cos) v[c] = cos(v[c]) * a;
      if constexpr (F == fn::exp) v[c] = exp(-v[c]) * a;
      if constexpr (F == fn::sqrt) v[c] = sqrt(v[c] + a);
      if constexpr (F == fn::div) v[c] = v[c] / a;
      if constexpr (F == fn::mul)  // nothing to fuse with: what an unfused flop costs; 16 a round, to time long enough
        for (int k = 0; k < 16; ++k) v[c] = v[c] * a;
    }
  double s = 0;
  for (int c = 0; c < chains; ++c) s += v[c];
  out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

template <class Launch>
float best_ms(Launch launch) {
  cudaEvent_t a, b;
  CHECK(cudaEventCreate(&a));
  CHECK(cudaEventCreate(&b));
  launch();  // warm-up
  float best = 1e30f;
  for (int rep = 0; rep < 5; ++rep) {
    CHECK(cudaEventRecord(a));
    launch();
    CHECK(cudaEventRecord(b));
    CHECK(cudaEventSynchronize(b));
    float ms = 0;
    CHECK(cudaEventElapsedTime(&ms, a, b));
    best = ms < best ? ms : best;
  }
  CHECK(cudaGetLastError());
  return best;
}

int main() {
  cudaDeviceProp prop{};
  CHECK(cudaGetDeviceProperties(&prop, 0));
  const long long n = 1ll << 27;  // double2 elements: 2 GiB each way
  double2 *in = nullptr, *out = nullptr;
  CHECK(cudaMalloc(&in, n * sizeof(double2)));
  CHECK(cudaMalloc(&out, n * sizeof(double2)));
  const int blocks = prop.multiProcessorCount * 8, threads = 256;
  fill<<<blocks * 4, threads>>>(in, n);
  CHECK(cudaGetLastError());
  CHECK(cudaDeviceSynchronize());
  const float copy_ms = best_ms([&] { copy<<<blocks * 4, threads>>>(in, out, n); });
  const double copy_bytes_per_s = 2.0 * double(n) * sizeof(double2) / (copy_ms * 1e-3);

  double* sink = nullptr;
  CHECK(cudaMalloc(&sink, sizeof(double) * blocks * 4 * threads));
  const double fmas = double(blocks) * 4 * threads * chains * rounds;
  const float fma64_ms = best_ms([&] { fma_chains<double><<<blocks * 4, threads>>>(sink, 0.999999, 1e-7); });
  const float fma32_ms =
      best_ms([&] { fma_chains<float><<<blocks * 4, threads>>>(reinterpret_cast<float*>(sink), 0.999f, 1e-4f); });
  const double calls = double(blocks) * 4 * threads * chains * (rounds / 16);
  const float cos_ms = best_ms([&] { elementary_chains<fn::cos><<<blocks * 4, threads>>>(sink, 0.9); });
  const float exp_ms = best_ms([&] { elementary_chains<fn::exp><<<blocks * 4, threads>>>(sink, 0.9); });
  const float sqrt_ms = best_ms([&] { elementary_chains<fn::sqrt><<<blocks * 4, threads>>>(sink, 0.1); });
  const float div_ms = best_ms([&] { elementary_chains<fn::div><<<blocks * 4, threads>>>(sink, 0.999999); });
  const float mul_ms = best_ms([&] { elementary_chains<fn::mul><<<blocks * 4, threads>>>(sink, 0.999999); });
  const double fp64 = 2 * fmas / (fma64_ms * 1e-3);

  const std::size_t back = std::size_t(1) << 29;  // 512 MiB, about what 10^7 starts at d = 2 return
  char* pageable = static_cast<char*>(std::malloc(back));
  char* pinned = nullptr;
  CHECK(pageable ? cudaSuccess : cudaErrorMemoryAllocation);
  std::memset(pageable, 1, back);  // touched: the copy pays no page faults (fdgd's result is touched first too)
  CHECK(cudaMallocHost(&pinned, back));
  const float pageable_ms = best_ms([&] { CHECK(cudaMemcpy(pageable, in, back, cudaMemcpyDeviceToHost)); });
  const float pinned_ms = best_ms([&] { CHECK(cudaMemcpy(pinned, in, back, cudaMemcpyDeviceToHost)); });
  std::free(pageable);
  CHECK(cudaFreeHost(pinned));
  auto alone = [&](float ms, double per_round) { return fp64 * (ms * 1e-3) / (calls * per_round); };  // nothing else in the chain
  // An elementary call weighs as many FMA-flops as the FP64 units could have done in its time, less
  // the time of the one multiply or add beside it in the chain (a lone one: mul_flops, about 2).
  const double mul_flops = alone(mul_ms, 16);
  auto weight = [&](float ms) { return fp64 * (ms * 1e-3) / calls - mul_flops; };
  std::printf(
      "{\"device\": \"%s\", \"sm_count\": %d, \"copy_bytes_per_s\": %.4e, \"fp64_flops_per_s\": %.4e, "
      "\"fp32_flops_per_s\": %.4e, \"cos_flops\": %.1f, \"exp_flops\": %.1f, \"sqrt_flops\": %.1f, "
      "\"div_flops\": %.1f, \"mul_flops\": %.2f, \"d2h_pageable_bytes_per_s\": %.4e, "
      "\"d2h_pinned_bytes_per_s\": %.4e}\n",
      prop.name, prop.multiProcessorCount, copy_bytes_per_s, fp64, 2 * fmas / (fma32_ms * 1e-3), weight(cos_ms), weight(exp_ms),
      weight(sqrt_ms), alone(div_ms, 1), mul_flops, back / (pageable_ms * 1e-3), back / (pinned_ms * 1e-3));
  cudaFree(in);
  cudaFree(out);
  cudaFree(sink);
  return 0;
}
