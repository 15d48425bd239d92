#!/usr/bin/env python3
"""Throughput (trajectory-steps per second) against N for both backends, log-log, one panel a case,
and the GPU's speedup over the CPU, from one bench_sweep JSON run (see bench/cpu_vs_gpu.py).

    python3 bench/plot/throughput.py sweep.json --mode fused --precision f64 --out docs/throughput.png
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from cpu_vs_gpu import busy_note, host_text, read_sweep  # noqa: E402
from script_io import needed, run, save_figure  # noqa: E402

needed("matplotlib").use("Agg")
plt = needed("matplotlib.pyplot")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("sweep")
    p.add_argument("--mode", default="fused", choices=["fused", "per_launch"])
    p.add_argument("--precision", default="f64", choices=["f64", "f32"])
    p.add_argument("--out", required=True)
    a = p.parse_args()
    rows, context, _, failed = read_sweep(a.sweep)
    cases = sorted(c for (c, m, pr) in rows if m == a.mode and pr == a.precision)
    if not cases:
        lost = sum(len(ns) for (c, m, pr), by in failed.items() if m == a.mode and pr == a.precision for ns in by.values())
        others = sorted({f"{m} {pr}" for (c, m, pr) in rows})
        raise ValueError(f"{a.sweep}: no {a.mode} {a.precision} rows" +
                         (f" ({lost} failed)" if lost else "") +
                         (f"; it has {', '.join(others)} (--mode and --precision choose)" if others else ""))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for k, case in enumerate(cases):
        by = rows[(case, a.mode, a.precision)]
        colour = f"C{k % 10}"  # one colour a case, in both panels (CPU dashed, GPU solid)
        for backend, style in (("cpu", "--"), ("cuda", "-")):
            if backend in by:
                ns = sorted(by[backend])
                left.loglog(ns, [n * 10 / by[backend][n] for n in ns], style, color=colour, marker="o", ms=3,
                            label=f"{case} {backend}")
        if "cpu" in by and "cuda" in by:
            ns = sorted(set(by["cpu"]) & set(by["cuda"]))
            right.semilogx(ns, [by["cpu"][n] / by["cuda"][n] for n in ns], color=colour, marker="o", ms=3, label=case)
    left.set(xlabel="starts N", ylabel="trajectory-steps / s", title=f"throughput, {a.mode}, {a.precision}")
    right.axhline(1, color="gray", lw=0.8)
    right.set(xlabel="starts N", ylabel="CPU time / GPU time", title="GPU speedup over all CPU cores")
    left.legend(fontsize=7)
    if right.lines[1:]:
        right.legend(fontsize=7)
    else:  # a CPU-only run
        right.text(0.5, 0.5, "no N with both a CPU and a GPU time in this run", ha="center", va="center",
                   transform=right.transAxes, fontsize=8)
    gpu = any("cuda" in by for by in rows.values())
    device = context.get("fdgd_cuda_device", "?") if gpu else "no GPU"  # else the reason, a long CUDA error
    fig.suptitle(f"{device} vs {host_text(context)}", fontsize=9)
    if busy_note(context):
        print(f"throughput.py: {busy_note(context)}", file=sys.stderr)
    fig.tight_layout()
    save_figure(fig, a.out, dpi=120)


if __name__ == "__main__":
    run(main)
