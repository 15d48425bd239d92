// Exceptions thrown by fdgd. Invalid options and starts throw std::invalid_argument instead.
#pragma once
#include <stdexcept>
#include <string>

namespace fdgd {

/// A run that could not be carried out (no CUDA device, a backend not built in, ...).
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A CUDA runtime call or kernel launch failed; what() names the call, the place and the CUDA error.
class cuda_error : public error {
 public:
  using error::error;
};

}  // namespace fdgd
