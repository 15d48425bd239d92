#!/usr/bin/env python3
"""Contour lines of a 2-D function with descent paths drawn point by point into their minima.

    build/fdgd trace --function sphere --start -3,4 --lr 0.1 --out trace.csv
    python3 bench/plot/trace_contour.py trace.csv --function sphere --box=-4.5:4.5 --out trace.png

TRACE.csv is what `fdgd trace` writes: start,step,x0,x1,f. Needs numpy and matplotlib.
"""
import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from script_io import load_csv, needed, numbers, run, save_figure  # noqa: E402

np = needed("numpy")
needed("matplotlib").use("Agg")
plt = needed("matplotlib.pyplot")
from functions2d import FUNCTIONS  # noqa: E402

WHAT = "`fdgd trace` writes the columns start,step,x0,x1,f"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("trace")
    p.add_argument("--function", required=True, choices=sorted(FUNCTIONS))
    p.add_argument("--box", default=None,
                   help="LO:HI for both axes, or LO0:HI0,LO1:HI1 (default: the paths' extent, padded, but for points "
                        "beyond 10 times the starts' spread)")
    p.add_argument("--levels", type=int, default=25)
    p.add_argument("--title", default=None)
    p.add_argument("--out", required=True)
    argv = sys.argv[1:]
    if "--box" in argv[:-1]:  # --box -5:5 as fdgd takes it (argparse would read -5:5 as a flag)
        k = argv.index("--box")
        argv[k:k + 2] = [f"--box={argv[k + 1]}"]
    args = p.parse_args(argv)

    data = load_csv(args.trace, WHAT)
    names = data.dtype.names
    if not {"start", "step", "x0", "x1", "f"} <= set(names) or "x2" in names:
        raise ValueError(f"{args.trace}: not a 2-D trace ({WHAT})")
    start, step, x0, x1 = numbers(data, args.trace, ["start", "step", "x0", "x1"])
    (f,) = numbers(data, args.trace, ["f"], finite=False)  # a path that went nonfinite ends at f = inf or nan
    # f is --function's at most rows, to its precision: a trace in f32 (every number a float) is a float's
    # rounding off near a minimum, where f is small beside its terms; another function's, almost nowhere.
    finite = np.isfinite(f)
    with np.errstate(over="ignore", invalid="ignore"):  # at the points of paths that ran off
        expected = FUNCTIONS[args.function](x0[finite], x1[finite])
        single = all(np.array_equal(v, v.astype(np.float32)) for v in (x0, x1, f[finite]))
    close = np.isclose(f[finite], expected, rtol=1e-3 if single else 1e-6, atol=1e-9)
    if finite.any() and close.mean() < 0.5:
        raise ValueError(f"{args.trace}: its f is not {args.function}'s at its points (traced with another --function?)")
    if args.box:
        axes = args.box.split(",")
        try:
            bounds = [tuple(float(v) for v in axis.split(":")) for axis in axes]
        except ValueError:
            bounds = []
        if len(axes) not in (1, 2) or any(len(b) != 2 or not b[0] < b[1] or not math.isfinite(b[1] - b[0]) for b in bounds) or not bounds:
            raise ValueError(f"--box {args.box}: give LO:HI or LO0:HI0,LO1:HI1 with LO < HI, HI - LO finite")
        (xlo, xhi), (ylo, yhi) = bounds[0], bounds[-1]
    else:
        # The paths' extent, but for points beyond 10 times the starts' spread from them: a path that ran
        # off (to 1e83) would shrink the rest to a dot.
        starts = step == step.min()
        spread = max(np.ptp(x0[starts]), np.ptp(x1[starts]), 1.0)
        near = (np.abs(x0 - np.median(x0[starts])) <= 10 * spread) & (np.abs(x1 - np.median(x1[starts])) <= 10 * spread)
        if not near.all():
            print(f"trace_contour.py: {np.count_nonzero(~near)} points of paths that ran off lie outside the view "
                  "(--box sets it)", file=sys.stderr)
        pad = 0.1 * max(np.ptp(x0[near]), np.ptp(x1[near]), 1.0)
        xlo, xhi = x0[near].min() - pad, x0[near].max() + pad
        ylo, yhi = x1[near].min() - pad, x1[near].max() + pad
    gx, gy = np.meshgrid(np.linspace(xlo, xhi, 400), np.linspace(ylo, yhi, 400))
    with np.errstate(over="ignore", invalid="ignore"):  # a view out to a start at 1e200 overflows f
        grid_f = FUNCTIONS[args.function](gx, gy)
    seen = np.isfinite(grid_f)
    if not seen.all():
        reach = max(abs(xlo), abs(xhi), abs(ylo), abs(yhi))
        print(f"trace_contour.py: f is not finite over {100 * (1 - seen.mean()):.0f}% of the view, which reaches "
              f"|x| = {reach:.3g}, so it has no contours there (--box sets the view)", file=sys.stderr)
    fig, ax = plt.subplots(figsize=(6, 5.4), dpi=100)
    if seen.any():
        levels = np.quantile(grid_f[seen], np.linspace(0, 1, args.levels + 2)[1:-1] ** 2)
        ax.contour(gx, gy, np.ma.masked_invalid(grid_f), levels=np.unique(levels), cmap="viridis", linewidths=0.8)
    for s in np.unique(start):
        order = np.flatnonzero(start == s)
        order = order[np.argsort(step[order])]
        ax.plot(x0[order], x1[order], "o-", markersize=2.5, linewidth=0.8)
        ax.plot(x0[order][-1], x1[order][-1], "k*", markersize=8)
    ax.set_xlim(xlo, xhi)
    ax.set_ylim(ylo, yhi)
    ax.set_xlabel("x0")
    ax.set_ylabel("x1")
    ax.set_aspect("equal")
    ax.set_title(args.title or f"{args.function}: {len(np.unique(start))} path(s)")
    fig.tight_layout()
    save_figure(fig, args.out)


if __name__ == "__main__":
    run(main)
