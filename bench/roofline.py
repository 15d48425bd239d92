#!/usr/bin/env python3
"""Measured time over the roofline floor for every CUDA row of a bench_sweep JSON run, with the
ceilings that roofline_probe measured on the same GPU (bench/ROOFLINE.md has the model).

    build/bench/roofline_probe > probe.json
    python3 bench/roofline.py sweep.json probe.json
"""
import sys

from cpu_vs_gpu import read_sweep
from script_io import load_json

STEPS = 10  # per timed iteration (bench/sweep/sweep.hpp)


def per_trajectory_step(c, d, probe, flop, work):
    """(bytes a step must move, FMA-weighted flops of a step) for one trajectory, from the work the
    benchmark recorded: work="eval", the reference's 2d whole evaluations (the function's own
    evaluation_work); work="grad", what fdgd's gradient computes (fewer where it reuses the terms
    x_i does not move). Every plain add or multiply weighs `flop` FMA-flops: 1 for the issue's
    floor, probe["mul_flops"] (about 2) for the floor without contraction into FMA, which fdgd's
    kernels forgo (-fmad=false) to agree bit for bit with the CPU. The division by 2h, one a
    coordinate, weighs what it measured, like a transcendental."""
    evaluations = 2 * d if work == "eval" else 1
    weighted = (c[work + "_flops"] * flop + c[work + "_cos_sin"] * probe["cos_flops"] + c[work + "_exp"] * probe["exp_flops"]
                + c[work + "_sqrt"] * probe["sqrt_flops"])
    return 2 * d * c["value_bytes"] + 2 * 8 + 2 * 1, evaluations * weighted + 5 * d * flop + d * probe.get("div_flops", flop)


def main(sweep_path, probe_path):
    rows, _, counters, failed = read_sweep(sweep_path)
    lost = sorted((key, n, message) for key, by in failed.items() for n, message in by.get("cuda", {}).items())
    if not any("cuda" in by_backend for by_backend in rows.values()):
        if lost:
            (case, mode, precision), n, message = lost[0]
            raise ValueError(f"{sweep_path}: every CUDA row of this run failed ({len(lost)}), the first: "
                             f"cuda/{case}/{mode}/{precision}/2^{n.bit_length() - 1}: {message}")
        raise ValueError(f"{sweep_path}: no CUDA rows, and the roofline is the GPU's (run bench_sweep on a GPU)")
    if probe_path is None:
        raise ValueError("give the ceilings too: roofline.py SWEEP.json PROBE.json (build/bench/roofline_probe > probe.json, "
                         "on the same GPU)")
    probe = load_json(probe_path)
    if not isinstance(probe, dict) or "device" not in probe:
        raise ValueError(f"{probe_path}: not roofline_probe's output (a JSON object with 'device')")
    required = ("copy_bytes_per_s", "fp64_flops_per_s", "fp32_flops_per_s", "cos_flops", "exp_flops", "sqrt_flops")
    # Where absent, x / 2h weighs what a multiply does (by the reciprocal), and an unfused flop 1.
    for key in required + tuple(k for k in ("div_flops", "mul_flops") if k in probe):
        if not isinstance(probe.get(key), (int, float)) or not 0 < probe[key] < float("inf"):
            raise ValueError(f"{probe_path}: '{key}' is {probe.get(key)}, not a positive number")
    division = f"{probe['div_flops']:.0f}" if "div_flops" in probe else "a multiply"
    print(f"Ceilings on {probe['device']}: copy {probe['copy_bytes_per_s'] / 1e12:.2f} TB/s, FP64 "
          f"{probe['fp64_flops_per_s'] / 1e12:.1f} TFLOP/s, FP32 {probe['fp32_flops_per_s'] / 1e12:.1f} TFLOP/s; "
          f"cos = {probe['cos_flops']:.0f}, exp = {probe['exp_flops']:.0f}, sqrt = {probe['sqrt_flops']:.0f}, "
          f"x / 2h = {division}, an unfused flop = {probe.get('mul_flops', 1):.2f} FMA-flops\n")
    print("The reference's floor counts its 2d whole evaluations a step (the issue's F); the floor of the work done\n"
          "counts what fdgd computes for the same bits (fewer flops where the gradient reuses terms).\n")
    print("| case | mode | prec | N | measured per step | reference's floor | measured / it | floor of the work done "
          "| measured / it | bound by | measured / it without FMA |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for (case, mode, precision), by_backend in sorted(rows.items()):
        d = int(case.rsplit("_d", 1)[1])
        for n, seconds in sorted(by_backend.get("cuda", {}).items()):
            c = counters[(case, mode, precision)]
            step_bytes, reference_flops = per_trajectory_step(c, d, probe, 1.0, "eval")
            _, step_flops = per_trajectory_step(c, d, probe, 1.0, "grad")
            _, unfused_flops = per_trajectory_step(c, d, probe, probe.get("mul_flops", 1.0), "grad")
            rate = probe["fp64_flops_per_s"] if precision == "f64" else probe["fp32_flops_per_s"]
            memory_floor = n * step_bytes / probe["copy_bytes_per_s"]
            compute_floor = n * step_flops / rate

            def floor_of(flops):
                # One step per launch moves every byte each step; fused keeps x in registers, so
                # only the arithmetic bounds it.
                compute = n * flops / rate
                return max(memory_floor, compute) if mode == "per_launch" else compute

            reference, floor, unfused_floor = floor_of(reference_flops), floor_of(step_flops), floor_of(unfused_flops)
            measured = seconds / STEPS
            bound = "memory" if mode == "per_launch" and memory_floor >= compute_floor else "FP"
            print(f"| {case} | {mode} | {precision} | 2^{n.bit_length() - 1} | {measured * 1e6:.4g} us | "
                  f"{reference * 1e6:.4g} us | {measured / reference:.2f} | {floor * 1e6:.4g} us | {measured / floor:.2f} | "
                  f"{bound} | {measured / unfused_floor:.2f} |")
    for (case, mode, precision), n, message in lost:
        print(f"\ncuda/{case}/{mode}/{precision}/2^{n.bit_length() - 1} failed: {message}")


if __name__ == "__main__":
    if {"-h", "--help"} & set(sys.argv[1:]):
        sys.exit(print(__doc__))
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    from script_io import run

    run(main, sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)
