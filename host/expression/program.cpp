#include <algorithm>
#include <map>

#include "fdgd/detail/number_text.hpp"
#include "fdgd/expression_program.hpp"
#include "fdgd/point.hpp"

namespace fdgd::expr {
namespace {

opcode function_opcode(const std::string& name) {
  static const std::map<std::string, opcode> ops = {
      {"sin", opcode::sin},   {"cos", opcode::cos},     {"tan", opcode::tan},     {"asin", opcode::asin},   {"acos", opcode::acos},
      {"atan", opcode::atan}, {"sinh", opcode::sinh},   {"cosh", opcode::cosh},   {"tanh", opcode::tanh},   {"exp", opcode::exp},
      {"log", opcode::log},   {"log2", opcode::log2},   {"log10", opcode::log10}, {"sqrt", opcode::sqrt},   {"cbrt", opcode::cbrt},
      {"abs", opcode::abs},   {"floor", opcode::floor}, {"ceil", opcode::ceil},   {"atan2", opcode::atan2}, {"pow", opcode::power},
      {"min", opcode::min},   {"max", opcode::max}};
  return ops.at(name);
}

/// square, cube or fourth for an exponent of 2, 3 or 4; power otherwise.
opcode small_power(const node& exponent) {
  if (exponent.kind != node_kind::number) return opcode::power;
  return exponent.value == 2   ? opcode::square
         : exponent.value == 3 ? opcode::cube
         : exponent.value == 4 ? opcode::fourth
                               : opcode::power;
}

bool has_coordinate(const node& n) {
  return n.kind == node_kind::coordinate || std::any_of(n.kids.begin(), n.kids.end(), has_coordinate);
}

class emitter {
 public:
  emitter(program& p, bool fold) : p_(p), fold_(fold) {}

  void emit(const node& n) {
    if (leaf_like(n)) return push(operand_of(opcode::load, n), +1, n);
    switch (n.kind) {
      case node_kind::negate: return unary(opcode::negate, n.kids[0], n);
      case node_kind::power:
        if (const opcode by_products = small_power(n.kids[1]); by_products != opcode::power)
          return unary(by_products, n.kids[0], n);
        return binary(opcode::power, n.kids[0], n.kids[1], n);
      case node_kind::add: return chain(opcode::add, n);  // a bound sum has a kid a term
      case node_kind::subtract: return binary(opcode::subtract, n.kids[0], n.kids[1], n);
      case node_kind::multiply: return chain(opcode::multiply, n);
      case node_kind::divide: return binary(opcode::divide, n.kids[0], n.kids[1], n);
      case node_kind::call: {
        const opcode op = function_opcode(n.name);
        if (n.kids.size() == 1) return unary(op, n.kids[0], n);
        return chain(op, n);  // min(a, b, c) = min(min(a, b), c)
      }
      default: throw expression_error("internal: compile needs a tree bound to its dimension", n.column);
    }
  }

 private:
  void unary(opcode op, const node& operand, const node& n) {
    if (leaf_like(operand)) return push(operand_of(op, operand), +1, n);  // pushes op(operand)
    emit(operand);
    push({op}, 0, n);
  }

  // An operand that is a coordinate or a constant (a number, or a subtree without coordinates) rides
  // on the instruction instead of the stack; with one of each, the coordinate goes on the stack.
  void binary(opcode op, const node& left, const node& right, const node& n) {
    if (leaf_like(right) && !(right.kind == node_kind::coordinate && constant_like(left))) {
      emit(left);
      return push(operand_of(op, right), 0, n);
    }
    if (leaf_like(left)) {
      emit(right);
      instruction in = operand_of(op, left);
      in.reversed = true;
      return push(in, 0, n);
    }
    emit(left);
    right_operand(op, right, n);
  }

  /// ((k0 op k1) op k2) op ...
  void chain(opcode op, const node& n) {
    binary(op, n.kids[0], n.kids[1], n);
    for (std::size_t k = 2; k < n.kids.size(); ++k) right_operand(op, n.kids[k], n);
  }

  void right_operand(opcode op, const node& right, const node& n) {
    if (leaf_like(right)) return push(operand_of(op, right), 0, n);
    emit(right);
    push({op}, -1, n);
  }

  bool constant_like(const node& n) const { return n.kind == node_kind::number || (fold_ && !has_coordinate(n)); }
  bool leaf_like(const node& n) const { return n.kind == node_kind::coordinate || constant_like(n); }

  /// Instruction `op` with a coordinate or constant-like operand.
  instruction operand_of(opcode op, const node& leaf) const {
    instruction in{op};
    if (leaf.kind == node_kind::coordinate) {
      // A tree parse() made holds its index as a kid; bind() checks it against d, which compile's caller
      // may give apart from the tree (and a program reads x[index] unchecked).
      if (!leaf.kids.empty()) throw expression_error("compile needs a tree bound to its dimension (expr::bind)", leaf.column);
      if (!(leaf.value >= 0 && leaf.value < p_.dim && leaf.value == double(int(leaf.value))))
        throw expression_error("x[" + fdgd::detail::number_text(leaf.value) +
                                   "] is out of range for the dimension compile was given, " + std::to_string(p_.dim),
                               leaf.column);
      in.from = operand_kind::coordinate;
      in.index = int(leaf.value);
      return in;
    }
    const instruction c = leaf.kind == node_kind::number ? constant(leaf.value) : folded(leaf);
    in.from = operand_kind::constant;
    in.value = c.value;
    in.value32 = c.value32;
    return in;
  }

  static instruction constant(double v) {
    instruction in{opcode::load, operand_kind::constant};
    in.value = v;
    in.value32 = float(v);
    return in;
  }

  /// A subtree without coordinates as one constant, computed in each precision by the interpreter.
  static instruction folded(const node& n) {
    program sub;
    emitter(sub, false).emit(n);
    const program_objective f{sub.code.data(), int(sub.code.size())};
    instruction in = constant(f(fixed_point<double, 1>{{0.0}}));
    in.value32 = f(fixed_point<float, 1>{{0.0f}});
    return in;
  }

  void push(instruction in, int stack_change, const node& n) {
    p_.code.push_back(in);
    depth_ += stack_change;
    p_.stack_depth = std::max(p_.stack_depth, depth_);
    if (depth_ > max_stack) throw expression_error("expression nests too deeply to evaluate", n.column);
  }

  program& p_;
  bool fold_;
  int depth_ = 0;
};

}  // namespace

program compile(const node& bound_tree, int dim, bool patched) {
  program p;
  p.dim = dim;
  emitter(p, true).emit(bound_tree);
  if (patched) make_patches(p);
  return p;
}

}  // namespace fdgd::expr
