#include <algorithm>
#include <map>

#include "fdgd/expression_program.hpp"

namespace fdgd::expr {
namespace {

opcode function_opcode(const std::string& name) {
  static const std::map<std::string, opcode> ops = {
      {"sin", opcode::sin},     {"cos", opcode::cos},     {"tan", opcode::tan},     {"asin", opcode::asin},
      {"acos", opcode::acos},   {"atan", opcode::atan},   {"sinh", opcode::sinh},   {"cosh", opcode::cosh},
      {"tanh", opcode::tanh},   {"exp", opcode::exp},     {"log", opcode::log},     {"log2", opcode::log2},
      {"log10", opcode::log10}, {"sqrt", opcode::sqrt},   {"cbrt", opcode::cbrt},   {"abs", opcode::abs},
      {"floor", opcode::floor}, {"ceil", opcode::ceil},   {"atan2", opcode::atan2}, {"pow", opcode::power},
      {"min", opcode::min},     {"max", opcode::max}};
  return ops.at(name);
}

/// square, cube or fourth for an exponent of 2, 3 or 4; power otherwise.
opcode small_power(const node& exponent) {
  if (exponent.kind != node_kind::number) return opcode::power;
  return exponent.value == 2 ? opcode::square : exponent.value == 3 ? opcode::cube : exponent.value == 4 ? opcode::fourth : opcode::power;
}

class emitter {
 public:
  explicit emitter(program& p) : p_(p) {}

  void emit(const node& n) {
    switch (n.kind) {
      case node_kind::number: push({opcode::constant, 0, n.value}, +1, n); return;
      case node_kind::coordinate: push({opcode::coordinate, int(n.value), 0}, +1, n); return;
      case node_kind::negate: emit(n.kids[0]), push({opcode::negate}, 0, n); return;
      case node_kind::power:
        emit(n.kids[0]);
        if (const opcode by_products = small_power(n.kids[1]); by_products != opcode::power) {
          push({by_products}, 0, n);
        } else {
          emit(n.kids[1]);
          push({opcode::power}, -1, n);
        }
        return;
      case node_kind::add:
      case node_kind::subtract:
      case node_kind::multiply:
      case node_kind::divide: {
        emit(n.kids[0]);
        emit(n.kids[1]);
        const opcode op = n.kind == node_kind::add        ? opcode::add
                          : n.kind == node_kind::subtract ? opcode::subtract
                          : n.kind == node_kind::multiply ? opcode::multiply
                                                          : opcode::divide;
        push({op}, -1, n);
        return;
      }
      case node_kind::call: {
        const opcode op = function_opcode(n.name);
        emit(n.kids[0]);
        for (std::size_t k = 1; k < n.kids.size(); ++k) {  // min(a, b, c) = min(min(a, b), c)
          emit(n.kids[k]);
          push({op}, -1, n);
        }
        if (n.kids.size() == 1) push({op}, 0, n);
        return;
      }
      default: throw expression_error("internal: compile needs a tree bound to its dimension", n.column);
    }
  }

 private:
  void push(instruction in, int stack_change, const node& n) {
    p_.code.push_back(in);
    depth_ += stack_change;
    p_.stack_depth = std::max(p_.stack_depth, depth_);
    if (depth_ > max_stack) throw expression_error("expression nests too deeply to evaluate", n.column);
  }

  program& p_;
  int depth_ = 0;
};

}  // namespace

program compile(const node& bound_tree, int dim) {
  program p;
  p.dim = dim;
  emitter(p).emit(bound_tree);
  return p;
}

}  // namespace fdgd::expr
