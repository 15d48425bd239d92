#!/usr/bin/env python3
"""Checks the picture scripts (bench/plot/trace_contour.py, histogram.py, throughput.py) on what fdgd writes, and on
inputs they must refuse with one line naming the file (no traceback, no picture):

    python3 bench/tests/check_plots.py build/fdgd

Exits 77 (skipped) without numpy or matplotlib, which the scripts need; one installed but broken
fails.
"""
import json
import os
import subprocess
import sys
import tempfile

from skips import skip_without

skip_without(["numpy", "matplotlib"], "the picture scripts")
import numpy as np  # noqa: E402

PLOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "plot")


def script(name, *args):
    return subprocess.run([sys.executable, os.path.join(PLOT, name), *args], capture_output=True, text=True)


def drawn(name, png, *args):
    r = script(name, *args, "--out", png)
    with open(png, "rb") as f:
        ok = r.returncode == 0 and f.read(8) == b"\x89PNG\r\n\x1a\n"
    if not ok:
        sys.exit(f"{name} {' '.join(args)}: no picture (status {r.returncode}):\n{r.stderr}")
    os.remove(png)


REFUSED = []


def refused(name, png, expected, *args):
    REFUSED.append(expected)
    r = script(name, *args, "--out", png)
    lines = r.stderr.strip().splitlines()
    if r.returncode != 1 or len(lines) != 1 or not lines[0].startswith(f"{name}: error: ") or expected not in lines[0] \
            or os.path.exists(png):
        sys.exit(f"{name} {' '.join(args)}: expected one line of error with '{expected}', status 1 and no picture; "
                 f"got status {r.returncode}:\n{r.stderr}")


def main(fdgd):
    with tempfile.TemporaryDirectory() as tmp:
        at = lambda name: os.path.join(tmp, name)  # noqa: E731
        png = at("picture.png")
        subprocess.run([fdgd, "trace", "--function", "himmelblau", "--sample", "4", "--steps", "30", "--out", at("him.csv")],
                       check=True, capture_output=True)
        drawn("trace_contour.py", png, at("him.csv"), "--function", "himmelblau", "--box", "-5:5")
        # throughput.py on a sweep of two CPU rows (bench.report_scripts checks the sweep's reading).
        with open(at("sweep.json"), "w") as f:
            json.dump({"context": {}, "benchmarks": [{"name": f"cpu/sphere_d2/{mode}/f64/{n}/manual_time", "real_time": n / 1e3,
                                                      "time_unit": "ms"} for mode in ("fused", "per_launch") for n in (256, 512)]}, f)
        drawn("throughput.py", png, at("sweep.json"))
        refused("throughput.py", png, "no per_launch f32 rows; it has fused f64, per_launch f64 (--mode and --precision choose)",
                at("sweep.json"), "--mode", "per_launch", "--precision", "f32")
        # In f32, f near a minimum is off by a float's rounding, not another function's f.
        subprocess.run([fdgd, "trace", "--function", "booth", "--sample", "8", "--steps", "2000", "--every", "100",
                        "--precision", "f32", "--out", at("booth32.csv")], check=True, capture_output=True)
        drawn("trace_contour.py", png, at("booth32.csv"), "--function", "booth")
        # Beale's paths from seed 8: 8 of 40 run off (to 1e83 and on to nonfinite). The view was theirs, the
        # other paths a dot, with numpy's overflow warnings on stderr; now the others', with one note.
        subprocess.run([fdgd, "trace", "--function", "beale", "--sample", "40", "--seed", "8", "--every", "6", "--steps", "50",
                        "--out", at("beale.csv")], check=True, capture_output=True)
        r = script("trace_contour.py", at("beale.csv"), "--function", "beale", "--out", png)
        lines = r.stderr.strip().splitlines()
        if r.returncode != 0 or len(lines) != 1 or "points of paths that ran off lie outside the view" not in lines[0]:
            sys.exit(f"trace_contour.py on paths that ran off: expected a picture and one note; status {r.returncode}:\n"
                     f"{r.stderr}")
        os.remove(png)
        # A start at 1e200 makes the view reach it, where sphere overflows: one note, not numpy's warnings.
        subprocess.run([fdgd, "trace", "--function", "sphere", "--start", "1e200,1", "--start", "1,1", "--steps", "10",
                        "--out", at("far.csv")], check=True, capture_output=True)
        r = script("trace_contour.py", at("far.csv"), "--function", "sphere", "--out", png)
        lines = r.stderr.strip().splitlines()
        if r.returncode != 0 or len(lines) != 1 or "f is not finite over" not in lines[0] or not os.path.exists(png):
            sys.exit(f"trace_contour.py from a start at 1e200: expected a picture and one note; status {r.returncode}:\n"
                     f"{r.stderr}")
        os.remove(png)
        refused("trace_contour.py", png, "its f is not sphere's", at("him.csv"), "--function", "sphere")
        refused("trace_contour.py", png, "HI - LO finite", at("him.csv"), "--function", "himmelblau", "--box=-1e308:1e308")
        with open(at("him.csv")) as f:
            header = f.readline()
        for name, body, expected in [("header.csv", "", "no rows"), ("nan.csv", "0,1,nan,1,2\n", "row 1: x0 is nan"),
                                     ("text.csv", "0,1,1,2,x\n", "row 1: f is 'x', not a number"),
                                     ("blank.csv", "0,0,1,2,5\n0,,3,4,25\n", "row 2: step is empty"),  # was -1
                                     ("ragged.csv", "0,0,1,2,5\n0,1,3,4\n", "Line #3 (got 4 columns instead of 5)")]:
            with open(at(name), "w") as f:
                f.write(header + body)
            refused("trace_contour.py", png, expected, at(name), "--function", "himmelblau")
        open(at("empty.csv"), "w").close()
        refused("trace_contour.py", png, "empty", at("empty.csv"), "--function", "himmelblau")
        refused("trace_contour.py", png, "missing.csv", at("missing.csv"), "--function", "himmelblau")

        subprocess.run([fdgd, "minimize", "--function", "himmelblau", "--starts", "1000", "--quiet", "--out", at("r.npy")],
                       check=True, capture_output=True)
        drawn("histogram.py", png, at("r.npy"))
        os.rename(at("r.npy"), at("r.csv"))  # a .npy under another name: told by its first bytes
        drawn("histogram.py", png, at("r.csv"))
        np.save(at("cube.npy"), np.zeros((4, 3, 2)))
        refused("histogram.py", png, "a .npy of shape (4, 3, 2)", at("cube.npy"))
        with open(at("r.csv"), "rb") as f:
            whole = f.read()
        for name, size in [("cut_header.npy", 100), ("cut_data.npy", 1000)]:  # numpy's own messages name no file
            with open(at(name), "wb") as f:
                f.write(whole[:size])
            refused("histogram.py", png, f"{at(name)}: cannot be read as a .npy file", at(name))
        refused("histogram.py", png, "empty", at("empty.csv"))
        refused("histogram.py", png, "a `fdgd trace` file", at("him.csv"))
    print(f"trace_contour.py, histogram.py and throughput.py draw fdgd's files and refuse {len(REFUSED)} bad inputs in one line each")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
