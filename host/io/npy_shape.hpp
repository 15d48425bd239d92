// The shape of a .npy file from its header alone: to size a run before its starts are read.
#pragma once
#include <cstdint>
#include <string>

namespace fdgd::detail {

struct npy_shape {
  std::int64_t rows = 0;
  int cols = 0;
};

/// The shape of the array in `path`, its header checked as read_npy checks it (dtype, order, and for a
/// regular file the bytes there); throws fdgd::error as read_npy does. Reads the header alone, so a
/// pipe read so has lost it.
npy_shape read_npy_shape(const std::string& path);

}  // namespace fdgd::detail
