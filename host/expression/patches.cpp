#include <cstdint>

#include "fdgd/expression_program.hpp"

namespace fdgd::expr {
namespace {

/// What the stack machine's instruction k computes from and where its value goes: the coordinates
/// its subtree reads, and the instruction that takes it from the stack, as the operand it pops
/// (`popped`) or as the one it works on in place (-1 for f's result).
struct value_info {
  std::uint64_t reads = 0;
  int consumer = -1;
  bool popped = false;
};

std::vector<value_info> dataflow(const std::vector<instruction>& code) {
  std::vector<value_info> v(code.size());
  std::vector<int> stack;
  for (int k = 0; k < int(code.size()); ++k) {
    const instruction& in = code[std::size_t(k)];
    value_info& out = v[std::size_t(k)];
    if (in.from == operand_kind::coordinate) out.reads = std::uint64_t(1) << in.index;
    const bool pushes = in.op < opcode::add && in.from != operand_kind::stack;
    if (!pushes) {
      auto take = [&](bool popped) {
        value_info& operand = v[std::size_t(stack.back())];
        operand.consumer = k, operand.popped = popped;
        out.reads |= operand.reads;
      };
      if (in.op >= opcode::add && in.from == operand_kind::stack) {
        take(true);
        stack.pop_back();
      }
      take(false);
      stack.back() = k;
    } else {
      stack.push_back(k);
    }
  }
  return v;
}

}  // namespace

void make_patches(program& p) {
  const int d = p.dim, n = int(p.code.size());
  if (d < 1 || d > max_patch_dim || n == 0) return;
  const std::vector<value_info> v = dataflow(p.code);
  std::vector<int> popped_operand(std::size_t(n), -1);  // of a binary op from the stack
  for (int k = 0; k < n; ++k)
    if (v[std::size_t(k)].popped) popped_operand[std::size_t(v[std::size_t(k)].consumer)] = k;
  std::vector<int> slot(std::size_t(n), -1);
  auto kept = [&](int k) {
    if (slot[std::size_t(k)] < 0) slot[std::size_t(k)] = p.kept_slots++;
    instruction in{opcode::load, operand_kind::kept};
    in.index = slot[std::size_t(k)];
    return in;
  };
  std::vector<instruction> patches;
  std::vector<int> begin{0};
  for (int i = 0; i < d; ++i) {
    const std::uint64_t bit = std::uint64_t(1) << i;
    for (int k = 0; k < n; ++k) {
      const value_info& u = v[std::size_t(k)];
      if (u.reads & bit) {
        instruction in = p.code[std::size_t(k)];
        const int r = popped_operand[std::size_t(k)];
        if (r >= 0 && !(v[std::size_t(r)].reads & bit)) {  // x_i does not reach the popped operand: its kept value
          in.from = operand_kind::kept;
          in.index = kept(r).index;
        }
        patches.push_back(in);
      } else if (u.consumer < 0 || (!u.popped && (v[std::size_t(u.consumer)].reads & bit))) {
        // A subtree x_i does not reach, on the stack under a moved instruction (or f itself): its
        // value at x, pushed where its last instruction was; the subtree's other instructions go.
        patches.push_back(kept(k));
      }
    }
    begin.push_back(int(patches.size()));
    if (patches.size() > max_patch_instructions) {
      p.kept_slots = 0;
      return;
    }
  }
  for (int k = 0; k < n; ++k) p.code[std::size_t(k)].keep = slot[std::size_t(k)];
  p.patches = std::move(patches);
  p.patch_begin = std::move(begin);
}

}  // namespace fdgd::expr
