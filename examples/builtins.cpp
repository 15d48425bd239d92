// The built-ins by name, and the same function from its formula: the README's first library example.
#include <iostream>

#include "fdgd/minimize.hpp"

int main() {
  const auto box = fdgd::find_builtin("rastrigin").box(8);
  fdgd::options opt;  // the seed's lr 0.01, h 1e-4 and 100 steps; float64; the GPU where there is one
  opt.lr = 4e-3;      // below 2 / rastrigin's curvature at its minima (2 / 397): descent settles there
  opt.steps = 300;
  opt.gtol = 1e-8;  // optional: stop a trajectory once |grad| <= 1e-8
  fdgd::result r = fdgd::minimize("rastrigin", fdgd::starts::uniform(box.lo, box.hi, 1'000'000, /*seed=*/42), opt);
  std::cout << r.brief_report();  // r.x, r.f, r.grad_norm, r.steps, r.status per trajectory; r.best

  // The same from its formula, parsed at run time (fdgd/expression.hpp has the grammar):
  fdgd::result t =
      fdgd::minimize_expression(fdgd::find_builtin("rastrigin").formula, fdgd::starts::uniform(box.lo, box.hi, 1000, 42), opt);
  // Compiled once for d = 8, for runs from several sets of starts (t2.compile_seconds is 0):
  const fdgd::compiled_expression f8(fdgd::find_builtin("rastrigin").formula, 8);
  fdgd::result t1 = f8.minimize(fdgd::starts::uniform(box.lo, box.hi, 1000, 1), opt);
  fdgd::result t2 = f8.minimize(fdgd::starts::uniform(box.lo, box.hi, 1000, 2), opt);
}
