// Built as a user builds: rastrigin d = 8 through solve, instantiated here with the flags fdgd::fdgd
// gives, into ARGV[1] (compile-time d) and ARGV[2] (run-time d) as .npy. check.cmake compares them
// with the installed `fdgd` command's, which only the library's own code computes: with other -march
// flags than the library's, this file took other cos and lane widths (and the linker kept either copy
// of the instantiations both have, so comparing with minimize() here could not tell).
#include <cstdio>

#include "fdgd/functions.hpp"
#include "fdgd/io.hpp"
#include "fdgd/minimize.hpp"
#include "fdgd/solve.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: same_bits FIXED.npy DYNAMIC.npy\n");
    return 2;
  }
  fdgd::options o;
  o.lr = 1e-3;  // contracting: a difference of an ulp stays visible rather than growing chaotically
  const auto box = fdgd::find_builtin("rastrigin").box(8);
  const auto s = fdgd::starts::uniform(box.lo, box.hi, 1000, 7);
  fdgd::write_npy(argv[1], fdgd::solve<8>(fdgd::functions::rastrigin{}, s, o));
  fdgd::write_npy(argv[2], fdgd::solve(fdgd::functions::rastrigin{}, s, o));
  return 0;
}
