// An expression bound to its dimension, as a list of stack-machine instructions, and the objective
// that interprets it. The interpreter's value type may be fdgd::lanes, so that one pass over the
// instructions evaluates a whole block of trajectories (cpu_block_bytes), which spreads the cost of
// interpreting over the block; the CPU backend's lockstep path and fdgd::descend run it unchanged.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "fdgd/config.hpp"  // FDGD_COMPILED_BY
#include "fdgd/difference.hpp"
#include "fdgd/expression.hpp"
#include "fdgd/lanes.hpp"
#include "fdgd/math.hpp"

namespace fdgd::expr {

/// What an instruction does to the evaluation stack: load pushes the operand; negate to ceil take one
/// operand, add to max two.
// clang-format off
enum class opcode : std::uint8_t {
  load,
  negate, square, cube, fourth, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, exp, log, log2, log10, sqrt, cbrt, abs, floor, ceil,
  add, subtract, multiply, divide, power, atan2, min, max,
};
// clang-format on

/// Where an instruction's (last) operand comes from.
enum class operand_kind : std::uint8_t {
  stack,       ///< the top of the stack: a unary op works in place, a binary one pops it
  constant,    ///< value / value32
  coordinate,  ///< x[index]
  kept,        ///< in a patch: the value at x that the evaluation of program::code kept in slot `index`
};

/// One step of the stack machine. A unary op with a constant or coordinate operand pushes its result;
/// a binary op combines the top of the stack (left) with its operand (right), or operand with top
/// when `reversed`, leaving the result on top.
struct instruction {
  opcode op = opcode::load;
  operand_kind from = operand_kind::stack;
  bool reversed = false;
  int index = 0;      ///< coordinate, or kept slot
  double value = 0;   ///< constant, in double precision
  float value32 = 0;  ///< the same constant computed in single precision
  int keep = -1;      ///< in program::code: the slot this value is kept in for the patches (-1: none)
  /// In a patch, an add or multiply from kept slots: applied with slots index, index + 1, ...,
  /// index + run - 1 in turn (a sum's terms after the moved one, which would take d^2 / 2
  /// instructions one slot each).
  int run = 1;

  /// Whether it pushes a new value (a unary op on an operand of its own), and whether it pops one
  /// (a binary op on the top two values); the others work on the top value in place.
  bool pushes() const { return op < opcode::add && from != operand_kind::stack; }
  bool pops() const { return op >= opcode::add && from == operand_kind::stack; }
};

/// Deepest stack a program may need (compile rejects deeper ones).
inline constexpr int max_stack = 2 * max_depth + 8;

/// An expression compiled for one dimension: its instructions, in evaluation order.
struct program {
  std::vector<instruction> code;
  int stack_depth = 0;  ///< deepest stack `code` reaches
  int dim = 0;
  /// Re-evaluation with one coordinate moved, for the central difference: patch i is `code` with every
  /// subtree that does not read x_i replaced by its value at x, which the evaluation of `code` keeps
  /// (instruction::keep). It computes f(x with x_i moved) to the same bits as `code`, doing only the
  /// work x_i reaches. Empty where the patches would be too large (patch_instruction_cap).
  std::vector<instruction> patches;
  std::vector<int> patch_begin;  ///< patch i is patches[patch_begin[i] .. patch_begin[i + 1])
  int kept_slots = 0;
};

/// Patches are made up to this many instructions in all, at dimension d: 2^20, or 32 a coordinate
/// (rastrigin's take about 10: d = 10^5 fits, in 128 MB). Making them reads the program once a
/// coordinate, d times its length, half the work of one gradient by whole evaluations, which the
/// patches then spare at every step; past the cap they are dropped as soon as it is reached.
inline std::size_t patch_instruction_cap(int d) { return std::max<std::size_t>(std::size_t(1) << 20, 32 * std::size_t(d)); }

/// Fills program::patches (compile does).
void make_patches(program& p);

/// The instruction list of a bound tree (see bind). Powers 2, 3 and 4 are products, as the built-ins
/// write them: x^2 = x*x, x^3 = x*x*x, x^4 = (x*x)*(x*x) (within an ulp of pow, and faster).
/// Subtrees without coordinates are computed once, in each precision by that precision's arithmetic,
/// so folding changes no result.
/// `patched`: make the patches (make_patches); a backend that does not use them skips the work.
/// Throws expression_error for a tree not bound (a coordinate still holding its index expression) and
/// for a coordinate outside 0..dim-1 (a tree bound to another dimension than `dim`).
program compile(const node& bound_tree, int dim, bool patched = true);

// The interpreter's code, in the build's own namespace (config.hpp): a user's file built another way
// (-O0) cannot stand in for the library's copy of it.
inline namespace FDGD_COMPILED_BY {
namespace detail {

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
    case opcode::min: return math::min_number(a, b);
    default: return math::max_number(a, b);
  }
}

template <class T>
T constant_of(const instruction& in) {
  if constexpr (std::is_same_v<T, float>) {
    return in.value32;
  } else {
    return T(in.value);
  }
}

/// dst[w] = op(src[w]) over a block of W (dst may be src); plain loops the compiler vectorizes, and
/// exp/cos/sin/sqrt by whole registers through fdgd::math (libmvec). Each element gets unary().
template <class T, int W>
[[gnu::always_inline]] inline void unary_block(opcode op, T* dst, const T* src) {
  switch (op) {
    case opcode::load:
      for (int w = 0; w < W; ++w) dst[w] = src[w];
      return;
    case opcode::negate:
      for (int w = 0; w < W; ++w) dst[w] = -src[w];
      return;
    case opcode::square:
      for (int w = 0; w < W; ++w) dst[w] = src[w] * src[w];
      return;
    case opcode::cube:
      for (int w = 0; w < W; ++w) dst[w] = src[w] * src[w] * src[w];
      return;
    case opcode::fourth:
      for (int w = 0; w < W; ++w) dst[w] = (src[w] * src[w]) * (src[w] * src[w]);
      return;
    case opcode::sin:
    case opcode::cos:
    case opcode::exp:
    case opcode::sqrt: {
      lanes<T, W> v;
      for (int w = 0; w < W; ++w) v.v[w] = src[w];
      v = op == opcode::sin ? math::sin(v) : op == opcode::cos ? math::cos(v) : op == opcode::exp ? math::exp(v) : math::sqrt(v);
      for (int w = 0; w < W; ++w) dst[w] = v.v[w];
      return;
    }
    default:
      for (int w = 0; w < W; ++w) dst[w] = unary(op, src[w]);
      return;
  }
}

/// a[w] = a[w] op b(w), or b(w) op a[w] when reversed; each element gets binary().
template <class T, int W, class B>
[[gnu::always_inline]] inline void binary_block(opcode op, bool reversed, T* a, B b) {
  switch (op) {  // + and * commute bit for bit, so `reversed` matters only to the others
    case opcode::add:
      for (int w = 0; w < W; ++w) a[w] = a[w] + b(w);
      return;
    case opcode::multiply:
      for (int w = 0; w < W; ++w) a[w] = a[w] * b(w);
      return;
    case opcode::subtract:
      if (reversed) {
        for (int w = 0; w < W; ++w) a[w] = b(w) - a[w];
      } else {
        for (int w = 0; w < W; ++w) a[w] = a[w] - b(w);
      }
      return;
    case opcode::divide:
      if (reversed) {
        for (int w = 0; w < W; ++w) a[w] = b(w) / a[w];
      } else {
        for (int w = 0; w < W; ++w) a[w] = a[w] / b(w);
      }
      return;
    default:
      for (int w = 0; w < W; ++w) a[w] = reversed ? binary(op, T(b(w)), a[w]) : binary(op, a[w], T(b(w)));
      return;
  }
}

/// a[w] = ((a[w] op k_0[w]) op k_1[w]) ... op k_{run-1}[w], op + or *, where k_r is kept[r] (lanes of
/// W): the instructions of a run one after another, with the block's values in four registers at a
/// time through the run rather than through memory an instruction. (Four named registers: GCC
/// lowers a wider generic vector, or an array of them, through the stack.)
template <class T, int W, class V>
[[gnu::always_inline]] inline void kept_run_block(opcode op, T* a, const V* kept, int run) {
  constexpr int R = lane_registers<T, W>::R;
  using reg = typename lane_registers<T, W>::values;
  if constexpr (W % (4 * R) != 0) {
    for (int r = 0; r < run; ++r) {
      const T* b = reinterpret_cast<const T*>(&kept[r].v);
      binary_block<T, W>(op, false, a, [b](int w) { return b[w]; });
    }
  } else {
    auto fold = [&](auto combine) {
      for (int c = 0; c < W; c += 4 * R) {
        reg a0, a1, a2, a3;
        std::memcpy(&a0, a + c, sizeof a0), std::memcpy(&a1, a + c + R, sizeof a1);
        std::memcpy(&a2, a + c + 2 * R, sizeof a2), std::memcpy(&a3, a + c + 3 * R, sizeof a3);
        for (int r = 0; r < run; ++r) {
          const T* b = reinterpret_cast<const T*>(&kept[r].v) + c;
          reg b0, b1, b2, b3;
          std::memcpy(&b0, b, sizeof b0), std::memcpy(&b1, b + R, sizeof b1);
          std::memcpy(&b2, b + 2 * R, sizeof b2), std::memcpy(&b3, b + 3 * R, sizeof b3);
          a0 = combine(a0, b0), a1 = combine(a1, b1), a2 = combine(a2, b2), a3 = combine(a3, b3);
        }
        std::memcpy(a + c, &a0, sizeof a0), std::memcpy(a + c + R, &a1, sizeof a1);
        std::memcpy(a + c + 2 * R, &a2, sizeof a2), std::memcpy(a + c + 3 * R, &a3, sizeof a3);
      }
    };
    if (op == opcode::add) {
      fold([](reg x, reg y) { return x + y; });
    } else {
      fold([](reg x, reg y) { return x * y; });
    }
  }
}

template <class V>
struct is_lanes : std::false_type {};
template <class T, int W>
struct is_lanes<lanes<T, W>> : std::true_type {
  using scalar = T;
  static constexpr int width = W;
};

}  // namespace detail

/// Interprets a program; the program must outlive it. Evaluates whole lanes at once on the CPU, and
/// there differentiates by the program's patches (program::patches) where it has them.
struct program_objective {
  static constexpr bool lane_safe = true;      // every instruction acts lane by lane
  static constexpr int cpu_block_bytes = 512;  // lockstep blocks of 64 doubles (128 floats): one pass over the code serves them all
  static constexpr bool own_central_difference = true;  // central_gradient below
  const instruction* code = nullptr;
  int size = 0;
  const instruction* patches = nullptr;  ///< program::patches, or null: the gradient by whole evaluations
  const int* patch_begin = nullptr;
  int kept_slots = 0;

  static program_objective of(const program& p) {
    const bool patched = !p.patch_begin.empty();
    return {p.code.data(), int(p.code.size()), patched ? p.patches.data() : nullptr, patched ? p.patch_begin.data() : nullptr,
            p.kept_slots};
  }

  template <class P>
  typename P::value_type operator()(const P& x) const {
    return run<false>(code, size, x, nullptr);
  }

  /// The central difference, to the bits of whole evaluations: one evaluation at x that keeps the
  /// values the patches need, then each coordinate's patch at x_i + h and x_i - h.
  template <class P, class G, class H>
  void central_gradient(const P& x, G& g, H h, H two_h) const {
    using V = typename P::value_type;
    if (!patches) return fdgd::detail::gradient_by_evaluations(*this, x, g, h, two_h);
    // The values kept for the patches: the calling thread's, until the CPU backend frees them after the run.
    const fdgd::detail::thread_scratch_use in_use;
    std::vector<V>& kept = fdgd::detail::thread_scratch<V>(std::size_t(kept_slots));
    run<true>(code, size, x, kept.data());
    for (int i = 0; i < x.size(); ++i) {
      const instruction* patch = patches + patch_begin[i];
      const int length = patch_begin[i + 1] - patch_begin[i];
      const V f1 = run<false>(patch, length, perturbed_point<P>{x, i, x[i] + h}, kept.data());
      const V f2 = run<false>(patch, length, perturbed_point<P>{x, i, x[i] - h}, kept.data());
      g[i] = (f1 - f2) / two_h;
    }
  }

 private:
  /// Runs `code` (the program or a patch) at x: over a block of lanes, or one value.
  template <bool Keep, class P>
  static typename P::value_type run(const instruction* code, int size, const P& x, typename P::value_type* kept) {
    if constexpr (detail::is_lanes<typename P::value_type>::value) {
      return block<Keep>(code, size, x, kept);
    } else {
      return scalar<Keep>(code, size, x, kept);
    }
  }

  /// The interpreter on one value. Reads kept values (a patch's operands), or with Keep stores those
  /// the patches need.
  template <bool Keep, class P>
  static typename P::value_type scalar(const instruction* code, int size, const P& x, typename P::value_type* kept) {
    using V = typename P::value_type;
    V stack[max_stack];
    stack[0] = V(0);  // what an (impossible) empty program returns; keeps the compiler's flow analysis quiet
    int top = -1;
    for (int k = 0; k < size; ++k) {
      const instruction& in = code[k];
      if (in.run > 1) {  // a patch's run of kept operands (never kept itself)
        for (int r = 0; r < in.run; ++r) stack[top] = detail::binary(in.op, stack[top], kept[in.index + r]);
        continue;
      }
      const V operand = in.from == operand_kind::constant     ? detail::constant_of<V>(in)
                        : in.from == operand_kind::coordinate ? V(x[in.index])
                        : in.from == operand_kind::kept       ? kept[in.index]
                                                              : stack[top];
      if (in.op < opcode::add) {
        if (in.from != operand_kind::stack) ++top;
        stack[top] = in.op == opcode::load ? operand : detail::unary(in.op, operand);
      } else {
        if (in.from == operand_kind::stack) --top;
        stack[top] = in.reversed ? detail::binary(in.op, operand, stack[top]) : detail::binary(in.op, stack[top], operand);
      }
      if constexpr (Keep) {
        if (in.keep >= 0) kept[in.keep] = stack[top];
      }
    }
    return stack[0];
  }

  /// x[j] by reference where x is a perturbed view of a fixed point (no copy of the whole block).
  template <class Point>
  static const typename Point::value_type& coordinate_of(const perturbed_point<Point>& x, int j) {
    return j == x.i ? x.value : x.base[j];
  }
  template <class Point>
  static const typename Point::value_type& coordinate_of(const Point& x, int j) {
    return x[j];
  }

  /// The interpreter over lanes: one pass over the code, each instruction a loop over the block.
  /// Reads kept values (a patch's operands), or with Keep stores those the patches need.
  template <bool Keep, class P>
  static typename P::value_type block(const instruction* code, int size, const P& x, typename P::value_type* kept) {
    using V = typename P::value_type;
    using T = typename detail::is_lanes<V>::scalar;
    constexpr int W = detail::is_lanes<V>::width;
    V slots[max_stack];                               // uninitialized: every program pushes before it reads
    T(*stack)[W] = reinterpret_cast<T(*)[W]>(slots);  // vector types alias their elements
    int top = -1;
    for (int k = 0; k < size; ++k) {
      const instruction& in = code[k];
      if (in.from == operand_kind::kept) {
        if (in.run > 1) {
          detail::kept_run_block<T, W>(in.op, stack[top], kept + in.index, in.run);
          continue;  // (never kept itself)
        }
        const T* b = reinterpret_cast<const T*>(&kept[in.index].v);
        if (in.op == opcode::load) {
          detail::unary_block<T, W>(opcode::load, stack[++top], b);
        } else {
          detail::binary_block<T, W>(in.op, in.reversed, stack[top], [b](int w) { return b[w]; });
        }
      } else if (in.op < opcode::add) {
        if (in.from == operand_kind::constant) {
          const T c = in.op == opcode::load ? detail::constant_of<T>(in) : detail::unary(in.op, detail::constant_of<T>(in));
          ++top;
          for (int w = 0; w < W; ++w) stack[top][w] = c;
        } else if (in.from == operand_kind::coordinate) {
          const T* src = reinterpret_cast<const T*>(&coordinate_of(x, in.index).v);  // vector types alias their elements
          detail::unary_block<T, W>(in.op, stack[++top], src);
        } else {
          detail::unary_block<T, W>(in.op, stack[top], stack[top]);
        }
      } else if (in.from == operand_kind::constant) {
        const T c = detail::constant_of<T>(in);
        detail::binary_block<T, W>(in.op, in.reversed, stack[top], [c](int) { return c; });
      } else if (in.from == operand_kind::coordinate) {
        const T* b = reinterpret_cast<const T*>(&coordinate_of(x, in.index).v);
        detail::binary_block<T, W>(in.op, in.reversed, stack[top], [b](int w) { return b[w]; });
      } else {
        const T* b = stack[top--];
        detail::binary_block<T, W>(in.op, in.reversed, stack[top], [b](int w) { return b[w]; });
      }
      if constexpr (Keep) {
        if (in.keep >= 0) std::memcpy(&kept[in.keep].v, stack[top], sizeof(T) * W);
      }
    }
    return slots[0];
  }
};

}  // namespace FDGD_COMPILED_BY
}  // namespace fdgd::expr
