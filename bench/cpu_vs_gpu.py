#!/usr/bin/env python3
"""CPU vs GPU from one bench_sweep JSON run: for each case and N, the CPU time, the GPU time, the
speedup, and the crossover N above which the GPU wins.

    build/bench/bench_sweep --benchmark_format=json --benchmark_out=sweep.json
    python3 bench/cpu_vs_gpu.py sweep.json            # markdown tables on stdout
    python3 bench/plot/throughput.py sweep.json --out docs/throughput.png
"""
import json
import re
import sys
from collections import defaultdict

NAME = re.compile(r"^(cpu|cuda)/([a-z_]+_d\d+)/(per_launch|fused)/(f64|f32)/(\d+)/")


def load(path, with_counters=False):
    """{(case, mode, precision): {backend: {N: seconds per iteration}}} and the run's context (and,
    with_counters, {(case, mode, precision): the benchmark's counters} too)."""
    with open(path) as f:
        data = json.load(f)
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks", []), list):
        raise ValueError(f"{path}: not a Google Benchmark JSON file (an object with a list 'benchmarks')")
    rows = defaultdict(lambda: defaultdict(dict))
    counters = {}
    for b in data["benchmarks"]:
        m = NAME.match(b["name"])
        # Repeated runs: their median (the aggregates follow the repetitions), not the last of them.
        if not m or b.get("error_occurred") or (b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median"):
            continue
        backend, case, mode, precision, n = m.groups()
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        if not b["real_time"] > 0:  # a time of 0 (or none) gives no rate and no speedup
            raise ValueError(f"{path}: {b['name']} has a time of {b['real_time']}")
        rows[(case, mode, precision)][backend][int(n)] = b["real_time"] * unit
        counters[(case, mode, precision)] = b
    return (rows, data.get("context", {}), counters) if with_counters else (rows, data.get("context", {}))


def crossover(cpu, gpu):
    """Smallest N from which on the GPU is faster at every measured N, or None."""
    common = sorted(set(cpu) & set(gpu))
    for i, n in enumerate(common):
        if all(gpu[k] < cpu[k] for k in common[i:]):
            return n
    return None


def main(path):
    rows, context = load(path)
    clocks = (f" (SM {int(context['fdgd_cuda_sm_clock_khz']) // 1000} MHz, memory {int(context['fdgd_cuda_memory_clock_khz']) // 1000} MHz)"
              if context.get("fdgd_cuda_sm_clock_khz", "?").isdigit() and context.get("fdgd_cuda_memory_clock_khz", "?").isdigit() else "")
    print(f"Device: {context.get('fdgd_cuda_device', '?')}{clocks}; host: {context.get('num_cpus', '?')} CPUs; "
          f"compiler: {context.get('fdgd_compiler', '?')}\n")
    if not rows:
        with open(path) as f:
            failed = [b for b in json.load(f)["benchmarks"] if NAME.match(b["name"]) and b.get("error_occurred")]
        if failed:
            raise ValueError(f"{path}: every bench_sweep row of this run failed ({len(failed)}), the first: "
                             f"{failed[0]['name']}: {failed[0].get('error_message', '?')}")
        raise ValueError(f"{path}: no bench_sweep rows (names cpu|cuda/CASE/MODE/PRECISION/N/...) in this run")
    for (case, mode, precision), by_backend in sorted(rows.items()):
        cpu, gpu = by_backend.get("cpu", {}), by_backend.get("cuda", {})
        print(f"### {case}, {mode}, {precision}\n")
        if not gpu:
            print("(no GPU rows in this run: the CPU's times alone)\n")
        print("| N | CPU s / 10 steps | GPU s / 10 steps | GPU speedup |\n|---|---|---|---|")  # a sweep's timed iteration
        for n in sorted(set(cpu) | set(gpu)):
            c, g = cpu.get(n), gpu.get(n)
            cell = lambda v: f"{v:.3g}" if v is not None else "-"  # noqa: E731
            speedup = f"{c / g:.1f}x" if c and g else "-"
            print(f"| 2^{n.bit_length() - 1} | {cell(c)} | {cell(g)} | {speedup} |")
        if not gpu:
            print()
            continue
        if not set(cpu) & set(gpu):  # a CPU part cut by its time limit: no crossover to claim
            print("\nGPU faster from N = ? (no N with both a CPU and a GPU time in this run)\n")
            continue
        n = crossover(cpu, gpu)
        below = " (the smallest N measured on both: the crossover is there or below)" if n == min(set(cpu) & set(gpu)) else ""
        print(f"\nGPU faster from N = {'2^%d' % (n.bit_length() - 1) if n else 'never in this range'}{below}\n")


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] in ("-h", "--help"):
        sys.exit(print(__doc__))
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    from script_io import run

    run(main, sys.argv[1])
