#!/usr/bin/env python3
"""CPU vs GPU from one bench_sweep JSON run: for each case and N, the CPU time, the GPU time, the
speedup, and the crossover N above which the GPU wins.

    build/bench/bench_sweep --benchmark_format=json --benchmark_out=sweep.json
    python3 bench/cpu_vs_gpu.py sweep.json            # markdown tables on stdout
    python3 bench/plot/throughput.py sweep.json --out docs/throughput.png
"""
import math
import os
import re
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from script_io import load_json  # noqa: E402

NAME = re.compile(r"^(cpu|cuda)/([a-z_]+_d\d+)/(per_launch|fused)/(f64|f32)/(\d+)/")
TIME_UNITS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}  # Google Benchmark's, in seconds


def read_sweep(path):
    """A bench_sweep JSON run: {(case, mode, precision): {backend: {N: seconds per iteration}}}, its
    context, each (case, mode, precision)'s counters (a row's), and the rows that failed,
    {(case, mode, precision): {backend: {N: error message}}}."""
    data = load_json(path, cut_benchmarks_ok=True)
    if not isinstance(data, dict) or not isinstance(data.get("benchmarks", []), list) \
            or not isinstance(data.get("context", {}), dict):
        raise ValueError(f"{path}: not a Google Benchmark JSON file (an object with a list 'benchmarks')")
    rows = defaultdict(lambda: defaultdict(dict))
    failed = defaultdict(lambda: defaultdict(dict))
    counters = {}
    for b in data["benchmarks"]:
        m = NAME.match(b["name"]) if isinstance(b, dict) and isinstance(b.get("name"), str) else None
        if not m:
            continue
        backend, case, mode, precision, n = m.groups()
        if b.get("error_occurred"):
            failed[(case, mode, precision)][backend][int(n)] = b.get("error_message", "?")
            continue
        # Repeated runs: their median (the aggregates follow the repetitions), not the last of them.
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        if b.get("time_unit") not in TIME_UNITS:
            raise ValueError(f"{path}: {b['name']} has the time unit {b.get('time_unit')!r}, none of {', '.join(TIME_UNITS)}")
        unit = TIME_UNITS[b["time_unit"]]
        if not isinstance(b.get("real_time"), (int, float)) or not 0 < b["real_time"] < math.inf:  # no rate, no speedup
            raise ValueError(f"{path}: {b['name']} has a time of {b.get('real_time')}")
        rows[(case, mode, precision)][backend][int(n)] = b["real_time"] * unit
        counters[(case, mode, precision)] = b
    return rows, data.get("context", {}), counters, failed


def host_text(context):
    """The CPU side of a run's context: its threads and model."""
    threads = context.get("fdgd_cpu_threads", context.get("num_cpus", "?"))
    return f"{threads} CPU threads" + (f" ({context['fdgd_cpu_model']})" if context.get("fdgd_cpu_model") else "")


def busy_note(context):
    """A line where the machine was busy as the run began (Google Benchmark's load average), else ''."""
    load_avg, cpus = context.get("load_avg"), context.get("num_cpus")
    if isinstance(load_avg, list) and load_avg and isinstance(load_avg[0], (int, float)) and isinstance(cpus, int) \
            and load_avg[0] >= 0.5 * cpus:
        return (f"note: the machine was busy as the run began (load average {load_avg[0]:.1f} on {cpus} CPUs): its "
                "CPU times may be long, and the GPU's speedups high")
    return ""


def crossover(cpu, gpu):
    """Smallest N from which on the GPU is faster at every measured N, or None."""
    common = sorted(set(cpu) & set(gpu))
    for i, n in enumerate(common):
        if all(gpu[k] < cpu[k] for k in common[i:]):
            return n
    return None


def main(path):
    rows, context, _, failed = read_sweep(path)
    clocks = (f" (SM {int(context['fdgd_cuda_sm_clock_khz']) // 1000} MHz, memory {int(context['fdgd_cuda_memory_clock_khz']) // 1000} MHz)"
              if str(context.get("fdgd_cuda_sm_clock_khz", "?")).isdigit() and str(context.get("fdgd_cuda_memory_clock_khz", "?")).isdigit() else "")
    print(f"Device: {context.get('fdgd_cuda_device', '?')}{clocks}; host: {host_text(context)}; "
          f"compiler: {context.get('fdgd_compiler', '?')}\n")
    if busy_note(context):
        print(busy_note(context) + "\n")
    if not rows:
        first = next(((key, backend, n, message) for key, by in failed.items() for backend, ns in by.items()
                      for n, message in ns.items()), None)
        if first:
            (case, mode, precision), backend, n, message = first
            raise ValueError(f"{path}: every bench_sweep row of this run failed ({sum(len(ns) for by in failed.values() for ns in by.values())}), "
                             f"the first: {backend}/{case}/{mode}/{precision}/{n}: {message}")
        raise ValueError(f"{path}: no bench_sweep rows (names cpu|cuda/CASE/MODE/PRECISION/N/...) in this run")
    # A case whose every row failed is reported too, by its failures.
    for case, mode, precision in sorted(set(rows) | set(failed)):
        by_backend = rows.get((case, mode, precision), {})
        cpu, gpu = by_backend.get("cpu", {}), by_backend.get("cuda", {})
        lost = failed.get((case, mode, precision), {})
        print(f"### {case}, {mode}, {precision}\n")
        if not gpu:
            print("(the GPU rows of this case failed: " + next(iter(lost["cuda"].values())) + ")\n" if lost.get("cuda")
                  else "(no GPU rows in this run: the CPU's times alone)\n")
        print("| N | CPU s / 10 steps | GPU s / 10 steps | GPU speedup |\n|---|---|---|---|")  # a sweep's timed iteration
        for n in sorted(set(cpu) | set(gpu) | {n for ns in lost.values() for n in ns}):
            c, g = cpu.get(n), gpu.get(n)

            def cell(v, backend):
                return f"{v:.3g}" if v is not None else ("failed" if n in lost.get(backend, {}) else "-")
            speedup = f"{c / g:.1f}x" if c and g else "-"
            print(f"| 2^{n.bit_length() - 1} | {cell(c, 'cpu')} | {cell(g, 'cuda')} | {speedup} |")
        for backend, ns in sorted(lost.items()):
            if ns and (backend == "cpu" or gpu):
                n, message = min(ns.items())
                print(f"\n{backend} failed at {len(ns)} N, the first at 2^{n.bit_length() - 1}: {message}")
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
