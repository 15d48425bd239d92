#include <algorithm>
#include <climits>
#include <cstdint>

#include "fdgd/expression_program.hpp"

namespace fdgd::expr {
namespace {

/// The coordinates a subtree reads: exactly for x_0 .. x_63, and for the others as the range from the
/// lowest to the highest it reads past x_63. Saying "reads" of a coordinate it does not read only
/// makes a patch redo work that gives the same bits; what matters is that a subtree's set holds its
/// operands' sets.
struct coordinate_set {
  std::uint64_t first64 = 0;
  int lowest = INT_MAX, highest = -1;  // of those past x_63

  void add(int j) {
    if (j < 64) {
      first64 |= std::uint64_t(1) << j;
    } else {
      lowest = std::min(lowest, j), highest = std::max(highest, j);
    }
  }
  void add(const coordinate_set& o) {
    first64 |= o.first64;
    lowest = std::min(lowest, o.lowest), highest = std::max(highest, o.highest);
  }
  bool has(int i) const { return i < 64 ? (first64 >> i) & 1 : lowest <= i && i <= highest; }
};

/// What the stack machine's instruction k computes from and where its value goes: the coordinates
/// its subtree reads, and the instruction that takes it from the stack, as the operand it pops
/// (`popped`) or as the one it works on in place (-1 for f's result).
struct value_info {
  coordinate_set reads;
  int consumer = -1;
  bool popped = false;
};

std::vector<value_info> dataflow(const std::vector<instruction>& code) {
  std::vector<value_info> v(code.size());
  std::vector<int> stack;
  for (int k = 0; k < int(code.size()); ++k) {
    const instruction& in = code[std::size_t(k)];
    value_info& out = v[std::size_t(k)];
    if (in.from == operand_kind::coordinate) out.reads.add(in.index);
    if (!in.pushes()) {
      auto take = [&](bool popped) {
        value_info& operand = v[std::size_t(stack.back())];
        operand.consumer = k, operand.popped = popped;
        out.reads.add(operand.reads);
      };
      if (in.pops()) {
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

/// Merges the patch from `begin` on: an add (multiply) from kept slot s + 1 after one from s becomes
/// one instruction with a longer run (instruction::run).
void merge_kept_runs(std::vector<instruction>& patches, std::size_t begin) {
  std::size_t out = begin;
  for (std::size_t k = begin; k < patches.size(); ++k) {
    const instruction& in = patches[k];
    if (out > begin) {
      instruction& last = patches[out - 1];
      if (in.from == operand_kind::kept && last.from == operand_kind::kept && (in.op == opcode::add || in.op == opcode::multiply) &&
          in.op == last.op && !in.reversed && !last.reversed && in.index == last.index + last.run) {
        ++last.run;
        continue;
      }
    }
    patches[out++] = in;
  }
  patches.resize(out);
}

}  // namespace

void make_patches(program& p) {
  const int d = p.dim, n = int(p.code.size());
  if (d < 1 || n == 0) return;
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
    for (int k = 0; k < n; ++k) {
      const value_info& u = v[std::size_t(k)];
      if (u.reads.has(i)) {
        instruction in = p.code[std::size_t(k)];
        const int r = popped_operand[std::size_t(k)];
        if (r >= 0 && !v[std::size_t(r)].reads.has(i)) {  // x_i does not reach the popped operand: its kept value
          in.from = operand_kind::kept;
          in.index = kept(r).index;
        }
        patches.push_back(in);
      } else if (u.consumer < 0 || (!u.popped && v[std::size_t(u.consumer)].reads.has(i))) {
        // A subtree x_i does not reach, on the stack under a moved instruction (or f itself): its
        // value at x, pushed where its last instruction was; the subtree's other instructions go.
        patches.push_back(kept(k));
      }
    }
    merge_kept_runs(patches, std::size_t(begin.back()));
    begin.push_back(int(patches.size()));
    if (patches.size() > patch_instruction_cap(d)) {
      p.kept_slots = 0;
      return;
    }
  }
  for (int k = 0; k < n; ++k) p.code[std::size_t(k)].keep = slot[std::size_t(k)];
  p.patches = std::move(patches);
  p.patch_begin = std::move(begin);
}

}  // namespace fdgd::expr
