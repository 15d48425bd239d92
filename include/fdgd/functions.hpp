// Every built-in objective, and the list the run-time dispatch walks.
#pragma once
#include "fdgd/functions/ackley.hpp"
#include "fdgd/functions/beale.hpp"
#include "fdgd/functions/booth.hpp"
#include "fdgd/functions/griewank.hpp"
#include "fdgd/functions/himmelblau.hpp"
#include "fdgd/functions/levy.hpp"
#include "fdgd/functions/rastrigin.hpp"
#include "fdgd/functions/rosenbrock.hpp"
#include "fdgd/functions/six_hump_camel.hpp"
#include "fdgd/functions/sphere.hpp"
#include "fdgd/functions/styblinski_tang.hpp"

namespace fdgd::functions {

/// A compile-time list of objective types.
template <class... F>
struct list {};

/// The built-ins, in the order `fdgd functions` lists them.
using builtins =
    list<sphere, rosenbrock, rastrigin, ackley, griewank, styblinski_tang, levy, himmelblau, beale, booth, six_hump_camel>;

/// Calls fn(F{}) for the objective F of the list named `name` (a std::string); false where there is none.
template <class Name, class Fn, class... F>
bool visit(const Name& name, Fn&& fn, list<F...>) {
  return ((name == F::name ? (fn(F{}), true) : false) || ...);
}
/// The same over the built-ins.
template <class Name, class Fn>
bool visit(const Name& name, Fn&& fn) {
  return visit(name, fn, builtins{});
}

}  // namespace fdgd::functions
