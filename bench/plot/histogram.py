#!/usr/bin/env python3
"""Histogram of the final f values of a run, from the file `fdgd minimize --out` wrote.

    build/fdgd minimize --function himmelblau --starts 1e5 --out result.npy
    python3 bench/plot/histogram.py result.npy --out hist.png

RESULT is a .npy (N x (d+1): x then f) or a .csv (header x0,...,f,grad_norm,steps,status).
Needs numpy and matplotlib.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from script_io import load_csv, needed, numbers, run, save_figure  # noqa: E402

np = needed("numpy")
needed("matplotlib").use("Agg")
plt = needed("matplotlib.pyplot")


def final_f(path):
    with open(path, "rb") as file:
        npy = file.read(6) == b"\x93NUMPY"  # told by its first bytes, as fdgd tells one, whatever its name
    if npy:
        try:
            a = np.load(path, allow_pickle=False)
        except (ValueError, EOFError) as e:  # cut off, or of objects: numpy's message names no file
            raise ValueError(f"{path}: cannot be read as a .npy file ({e})") from None
        if a.ndim != 2 or a.shape[1] < 2 or a.dtype.kind != "f":
            raise ValueError(f"{path}: a .npy of shape {a.shape} and type {a.dtype}, where `fdgd minimize --out` writes "
                             "N x (d+1) floats, x then f")
        return a[:, -1].astype(float)
    data = load_csv(path, "`fdgd minimize --out` writes the header x0,...,f,grad_norm,steps,status")
    columns = data.dtype.names
    if "start" in columns and "step" in columns:
        # fdgd trace's rows (start,step,x...,f): every step of every path, not one final f a start.
        raise ValueError(f"{path}: a `fdgd trace` file (start,step,...); plot it with trace_contour.py, "
                         "or give the file `fdgd minimize --out` wrote")
    if "f" not in columns:
        raise ValueError(f"{path}: no column f (expected the header x0,...,f,grad_norm,steps,status)")
    return numbers(data, path, ["f"], finite=False)[0]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("result")
    p.add_argument("--bins", type=int, default=60)
    p.add_argument("--log", action="store_true", help="log scale for the counts")
    p.add_argument("--title", default=None)
    p.add_argument("--out", required=True)
    args = p.parse_args()
    f = final_f(args.result)
    left_out = int(np.count_nonzero(~np.isfinite(f)))
    f = f[np.isfinite(f)]
    if len(f) == 0:
        raise ValueError(f"{args.result}: no finite f to plot ({left_out} not finite)")
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=100)
    ax.hist(f, bins=args.bins, color="tab:blue", log=args.log)
    ax.set_xlabel("final f")
    ax.set_ylabel("starts")
    ax.set_title(args.title or f"final f of {len(f)} starts" + (f" ({left_out} not finite, left out)" if left_out else ""))
    fig.tight_layout()
    save_figure(fig, args.out)


if __name__ == "__main__":
    run(main)
