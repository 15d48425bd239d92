// A user's file built with -ffast-math, where std::isfinite folds to true. Called through pointers, its
// copies of options::validate and starts::given are emitted whole, and the linker may keep them for the
// library too.
#include "user_build.hpp"

namespace fdgd::test {

void user_fast_math_validate(const options& o) {
  void (options::*volatile validate)() const = &options::validate;
  (o.*validate)();
}

starts user_fast_math_given(std::vector<double> points, int dim) {
  starts (*volatile given)(std::vector<double>, int) = &starts::given;
  return given(std::move(points), dim);
}

}  // namespace fdgd::test
