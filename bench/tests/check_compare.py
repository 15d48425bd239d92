#!/usr/bin/env python3
"""Checks bench/peers/compare.py's table on a small batch: with numpy's points as they are, a speedup
over numpy; with numpy's points moved by 1e-3, no speedup over a peer whose time does not count, and
a verdict naming it:

    python3 bench/tests/check_compare.py build

Exits 77 (skipped) without numpy, which compare.py needs.
"""
import contextlib
import io
import os
import re
import sys

from skips import skip_without

skip_without(["numpy"], "compare.py")

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(BENCH, "peers"))
import compare  # noqa: E402


def table(build):
    sys.argv = ["compare.py", "--build", build, "--seed-sample", "3", "--repeat", "1"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = compare.main()
    row = next((line for line in out.getvalue().splitlines() if line.startswith("| sphere d=2")), None)
    if row is None:
        sys.exit(f"check_compare: no sphere row in:\n{out.getvalue()}")
    return status, row


def main(build):
    compare.CASES[:] = [("sphere", 2, 2000, 0.01, 0.0)]  # a target of 0x: only agreement can miss it
    status, row = table(build)
    if status != 0 or not re.search(r"\| \d+\.\dx \| >= 0x \|$", row):
        sys.exit(f"check_compare: expected a speedup and status 0 where numpy agrees; status {status}:\n{row}")
    agreeing = compare.numpy_vectorized.run
    compare.numpy_vectorized.run = lambda *args: agreeing(*args) + 1e-3
    status, row = table(build)
    if status != 1 or not row.endswith("| - | >= 0x (missed: numpy disagrees) |"):
        sys.exit(f"check_compare: expected no speedup over numpy moved by 1e-3, and status 1; status {status}:\n{row}")
    print("compare.py: a speedup where numpy agrees, none where it does not")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
