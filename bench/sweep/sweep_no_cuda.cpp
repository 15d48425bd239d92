#include "sweep.hpp"

void fdgd::bench::register_cuda_sweep() {}
