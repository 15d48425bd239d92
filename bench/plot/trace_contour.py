#!/usr/bin/env python3
"""Contour lines of a 2-D function with descent paths drawn point by point into their minima.

    build/fdgd trace --function sphere --start -3,4 --lr 0.1 --out trace.csv
    python3 bench/plot/trace_contour.py trace.csv --function sphere --box=-4.5:4.5 --out trace.png

TRACE.csv is what `fdgd trace` writes: start,step,x0,x1,f. Needs numpy and matplotlib.
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from functions2d import FUNCTIONS  # noqa: E402
from script_io import run, save_figure  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("trace")
    p.add_argument("--function", required=True, choices=sorted(FUNCTIONS))
    p.add_argument("--box", default=None,
                   help="LO:HI for both axes, or LO0:HI0,LO1:HI1 (default: the paths' extent, padded)")
    p.add_argument("--levels", type=int, default=25)
    p.add_argument("--title", default=None)
    p.add_argument("--out", required=True)
    args = p.parse_args()

    try:
        data = np.genfromtxt(args.trace, delimiter=",", names=True)
    except UnicodeDecodeError:
        raise ValueError(f"{args.trace}: not a CSV file (`fdgd trace` writes the columns start,step,x0,x1,f)")
    names = data.dtype.names or ()
    if not {"start", "step", "x0", "x1"} <= set(names) or "x2" in names:
        raise ValueError(f"{args.trace}: not a 2-D trace (`fdgd trace` writes the columns start,step,x0,x1,f)")
    if args.box:
        axes = args.box.split(",")
        try:
            bounds = [tuple(float(v) for v in axis.split(":")) for axis in axes]
        except ValueError:
            bounds = []
        if len(axes) not in (1, 2) or any(len(b) != 2 or not b[0] < b[1] for b in bounds) or not bounds:
            raise ValueError(f"--box {args.box}: give LO:HI or LO0:HI0,LO1:HI1 with LO < HI")
        (xlo, xhi), (ylo, yhi) = bounds[0], bounds[-1]
    else:
        pad = 0.1 * max(np.ptp(data["x0"]), np.ptp(data["x1"]), 1.0)
        xlo, xhi = data["x0"].min() - pad, data["x0"].max() + pad
        ylo, yhi = data["x1"].min() - pad, data["x1"].max() + pad
    gx, gy = np.meshgrid(np.linspace(xlo, xhi, 400), np.linspace(ylo, yhi, 400))
    f = FUNCTIONS[args.function](gx, gy)
    fig, ax = plt.subplots(figsize=(6, 5.4), dpi=100)
    levels = np.quantile(f, np.linspace(0, 1, args.levels + 2)[1:-1] ** 2)
    ax.contour(gx, gy, f, levels=np.unique(levels), cmap="viridis", linewidths=0.8)
    for start in np.unique(data["start"]):
        path = data[data["start"] == start]
        path = path[np.argsort(path["step"])]
        ax.plot(path["x0"], path["x1"], "o-", markersize=2.5, linewidth=0.8)
        ax.plot(path["x0"][-1], path["x1"][-1], "k*", markersize=8)
    ax.set_xlim(xlo, xhi)
    ax.set_ylim(ylo, yhi)
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_aspect("equal")
    ax.set_title(args.title or f"{args.function}: {len(np.unique(data['start']))} path(s)")
    fig.tight_layout()
    save_figure(fig, args.out)


if __name__ == "__main__":
    run(main)
