// An expression bound to its dimension, as a list of stack-machine instructions, and the objective
// that interprets it. The interpreter's value type may be fdgd::lanes, so that one pass over the
// instructions evaluates a whole block of trajectories (cpu_block_bytes), which spreads the cost of
// interpreting over the block; the CPU backend's lockstep path and fdgd::descend run it unchanged.
#pragma once
#include <cmath>
#include <cstdint>
#include <vector>

#include "fdgd/expression.hpp"
#include "fdgd/lanes.hpp"
#include "fdgd/math.hpp"

namespace fdgd::expr {

enum class opcode : std::uint8_t {
  constant, coordinate,  // push value / x[index]
  negate, square, cube, fourth, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, exp, log, log2, log10, sqrt, cbrt, abs, floor, ceil,
  add, subtract, multiply, divide, power, atan2, min, max,  // two operands
};

struct instruction {
  opcode op;
  int index = 0;      ///< coordinate
  double value = 0;   ///< constant
};

/// Deepest stack a program may need (compile rejects deeper ones).
inline constexpr int max_stack = 2 * max_depth + 8;

struct program {
  std::vector<instruction> code;
  int stack_depth = 0;
  int dim = 0;
};

/// The instruction list of a bound tree (see bind). Powers 2, 3 and 4 are products, as the built-ins
/// write them: x^2 = x*x, x^3 = x*x*x, x^4 = (x*x)*(x*x) (within an ulp of pow, and faster).
program compile(const node& bound_tree, int dim);

namespace detail {

template <class V>
struct scalar_of {
  using type = V;
};
template <class T, int W>
struct scalar_of<lanes<T, W>> {
  using type = T;
};

template <class T>
T unary(opcode op, T a) {
  switch (op) {
    case opcode::negate: return -a;
    case opcode::square: return a * a;
    case opcode::cube: return a * a * a;
    case opcode::fourth: return (a * a) * (a * a);
    case opcode::sin: return math::sin(a);
    case opcode::cos: return math::cos(a);
    case opcode::exp: return math::exp(a);
    case opcode::sqrt: return math::sqrt(a);
    case opcode::abs: return math::fabs(a);
    case opcode::tan: return std::tan(a);
    case opcode::asin: return std::asin(a);
    case opcode::acos: return std::acos(a);
    case opcode::atan: return std::atan(a);
    case opcode::sinh: return std::sinh(a);
    case opcode::cosh: return std::cosh(a);
    case opcode::tanh: return std::tanh(a);
    case opcode::log: return std::log(a);
    case opcode::log2: return std::log2(a);
    case opcode::log10: return std::log10(a);
    case opcode::cbrt: return std::cbrt(a);
    case opcode::floor: return std::floor(a);
    default: return std::ceil(a);
  }
}

template <class T>
T binary(opcode op, T a, T b) {
  switch (op) {
    case opcode::add: return a + b;
    case opcode::subtract: return a - b;
    case opcode::multiply: return a * b;
    case opcode::divide: return a / b;
    case opcode::power: return std::pow(a, b);
    case opcode::atan2: return std::atan2(a, b);
    case opcode::min: return std::fmin(a, b);
    default: return std::fmax(a, b);
  }
}

/// Lanes: arithmetic and exp/cos/sin/sqrt on the whole vector; the rest lane by lane, with the
/// scalar functions above, so every lane holds what the scalar interpreter computes.
template <class T, int W>
lanes<T, W> unary(opcode op, lanes<T, W> a) {
  switch (op) {
    case opcode::negate: return -a;
    case opcode::square: return a * a;
    case opcode::cube: return a * a * a;
    case opcode::fourth: return (a * a) * (a * a);
    case opcode::sin: return math::sin(a);
    case opcode::cos: return math::cos(a);
    case opcode::exp: return math::exp(a);
    case opcode::sqrt: return math::sqrt(a);
    default: {
      lanes<T, W> r;
      for (int w = 0; w < W; ++w) r.v[w] = unary(op, a.v[w]);
      return r;
    }
  }
}

template <class T, int W>
lanes<T, W> binary(opcode op, lanes<T, W> a, lanes<T, W> b) {
  switch (op) {
    case opcode::add: return a + b;
    case opcode::subtract: return a - b;
    case opcode::multiply: return a * b;
    case opcode::divide: return a / b;
    default: {
      lanes<T, W> r;
      for (int w = 0; w < W; ++w) r.v[w] = binary(op, a.v[w], b.v[w]);
      return r;
    }
  }
}

}  // namespace detail

/// Interprets a program; the program must outlive it. Evaluates whole lanes at once on the CPU.
struct program_objective {
  static constexpr bool lane_safe = true;      // every instruction acts lane by lane
  static constexpr int cpu_block_bytes = 256;  // lockstep blocks of 32 doubles (64 floats): one pass over the code serves them all
  const instruction* code = nullptr;
  int size = 0;

  template <class P>
  typename P::value_type operator()(const P& x) const {
    using V = typename P::value_type;
    using T = typename detail::scalar_of<V>::type;
    V stack[max_stack];
    stack[0] = V(T(0));  // what an (impossible) empty program returns; keeps the compiler's flow analysis quiet
    int top = -1;
    for (int k = 0; k < size; ++k) {
      const instruction& in = code[k];
      if (in.op == opcode::constant) {
        stack[++top] = V(T(in.value));
      } else if (in.op == opcode::coordinate) {
        stack[++top] = x[in.index];
      } else if (in.op < opcode::add) {
        stack[top] = detail::unary(in.op, stack[top]);
      } else {
        stack[top - 1] = detail::binary(in.op, stack[top - 1], stack[top]);
        --top;
      }
    }
    return stack[0];
  }
};

}  // namespace fdgd::expr
