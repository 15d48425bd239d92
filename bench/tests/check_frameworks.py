#!/usr/bin/env python3
"""Checks bench/peers/frameworks.py's bookkeeping (which peer counts, the ratio, the cells of a peer cut,
crashed, unavailable or disagreeing) on the CPU, with stand-in peers in place of JAX and PyTorch, so
that a GPU session does not find a broken table:

    python3 bench/tests/check_frameworks.py build

The stand-ins: numpy on columns (the reference algorithm, counted), the same but lingering at its
exit (counted, not waited for), one that gives fdgd's points moved by 1e-6 at once (fastest, never
counted), one whose first run gives fdgd's points, faster than numpy's, and whose faster second run
is off (not counted: the ratio is still numpy's), one that exits in its warm-up, one whose import fails, and one that stalls in its first run
until its share of --seconds ends. fdgd itself runs for real (its dumps are the starts and the points
checked against), but its times are pinned, so that the ratio follows from the numpy cell alone.
Then it waits past --seconds: frameworks.py's alarm must be off once its tables are printed.
Exits 77 (skipped) without numpy, which frameworks.py needs.
"""
import atexit
import contextlib
import io
import os
import re
import sys
import time

from skips import skip_without

skip_without(["numpy"], "frameworks.py")
import numpy as np  # noqa: E402

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(BENCH, "peers"))
import frameworks  # noqa: E402
from columns import OBJECTIVES, gradient_step  # noqa: E402

FDGD_SECONDS, FDGD_DESCENT = 0.001, 0.0005


def numpy_peer(backend):
    def make(name, lr):
        f = OBJECTIVES[name]

        def run(columns):
            for _ in range(frameworks.STEPS):
                columns = gradient_step(np, f, columns, lr, frameworks.H)
            return columns
        return (lambda starts: list(np.ascontiguousarray(starts.T)), run, lambda columns: np.stack(columns, axis=1))
    return make


def lingering_peer(backend):  # numpy's, then a teardown that would hold its process for minutes
    atexit.register(time.sleep, 600)
    return numpy_peer(backend)


def off_peer(backend):  # the answer at once, moved past the 1e-9 agreement
    def make(name, lr):
        done = []

        def warm(starts):
            done.append(np.fromfile(os.path.join(os.environ["FDGD_CHECK_DIR"], name + ".x")).reshape(starts.shape))
            return starts
        return warm, lambda x: done[-1] * (1 + 1e-6) + 1e-6, lambda x: x
    return make


def later_off_peer(backend):  # fdgd's points in 1 ms, then faster ones moved past the agreement
    def make(name, lr):
        runs = []

        def on_device(x):
            runs.append(None)
            if len(runs) == 1:
                time.sleep(0.001)
                return np.fromfile(os.path.join(os.environ["FDGD_CHECK_DIR"], name + ".x")).reshape(x.shape)
            return x * 0 + 1e9
        return (lambda starts: starts), on_device, (lambda x: x)
    return make


def crash_peer(backend):
    def make(name, lr):
        return (lambda starts: os._exit(3)), None, None
    return make


def unavailable_peer(backend):
    raise ImportError("no module named 'stand_in'")


def stall_peer(backend):
    def make(name, lr):
        return (lambda starts: starts), (lambda x: time.sleep(600)), None
    return make


STAND_INS = [("stalls", "stall", stall_peer), ("numpy columns", "numpy", numpy_peer), ("lingers", "linger", lingering_peer),
             ("off by 1e-6", "off", off_peer), ("off later", "later", later_off_peer),
             ("crashes", "crash", crash_peer), ("not installed", "absent", unavailable_peer)]


def install():
    frameworks.PEERS[:] = STAND_INS
    frameworks.__file__ = os.path.abspath(__file__)  # the workers run this file, with the stand-ins


def fail(message, out):
    sys.exit(f"check_frameworks: {message}\n--- frameworks.py printed:\n{out}")


def check(build):
    real_run = frameworks.fdgd_run

    def pinned(exe, name, d, n, lr, backend, prefix):
        if prefix != "-":  # where the dumps go: the off peer reads fdgd's points there
            os.environ["FDGD_CHECK_DIR"] = os.path.dirname(prefix)
        real_run(exe, name, d, n, lr, backend, prefix)
        return FDGD_SECONDS, FDGD_DESCENT
    frameworks.fdgd_run = pinned
    sys.argv = ["frameworks.py", "--build", build, "--backend", "cpu", "--n", "2000", "--repeat", "2",
                "--cases", "sphere,rastrigin", "--peers", ",".join(p[1] for p in STAND_INS), "--seconds", "20"]
    out = io.StringIO()
    deadline = time.monotonic() + 20
    with contextlib.redirect_stdout(out):
        status = frameworks.main()
    out = out.getvalue()
    try:
        time.sleep(max(0.0, deadline + 1 - time.monotonic()))
    except frameworks.TimeUp:
        fail("its --seconds alarm went off after the tables were printed", out)
    if status != 0:
        fail(f"exit status {status} where numpy's times count", out)
    labels = [p[0] for p in STAND_INS]
    lines = out.splitlines()
    for title in ["end to end", "on the device alone"]:
        header = next((k for k, line in enumerate(lines) if line.startswith("| case") and f", {title} |" in line), None)
        if header is None:
            fail(f"no table {title}", out)
        table = lines[header + 2:header + 4]
        for case in ["sphere", "rastrigin"]:
            row = next((line for line in table if line.startswith(f"| {case} d=")), None)
            if row is None:
                fail(f"no {case} row in the table {title}", out)
            cells = [c.strip() for c in row.strip("|").split("|")]
            peer = dict(zip(labels, cells[2:2 + len(labels)]))
            ratio, fdgd_cell = cells[2 + len(labels)], cells[1]
            if peer["not installed"] != "unavailable":
                fail(f"{case} ({title}): the peer whose import fails reads {peer['not installed']!r}", out)
            crashed = "crashed (status 3) in its warm-up" if case == "sphere" else "-"  # it ended in sphere
            if peer["crashes"] != crashed:
                fail(f"{case} ({title}): the peer that exits reads {peer['crashes']!r}", out)
            if not re.match(r"[\d.]+(?:e-\d+)? s", peer["lingers"]) or "DISAGREES" in peer["lingers"]:
                fail(f"{case} ({title}): the peer that lingers at its exit reads {peer['lingers']!r}", out)
            if "DISAGREES" not in peer["off by 1e-6"]:
                fail(f"{case} ({title}): the peer 1e-6 off reads {peer['off by 1e-6']!r}", out)
            # its first run agreed, faster than numpy's: its time must not count once a later run disagrees
            if "DISAGREES" not in peer["off later"]:
                fail(f"{case} ({title}): the peer whose second run is off reads {peer['off later']!r}", out)
            stalled = peer["stalls"]
            expected = r"> [\d.]+ s \(cut in its first run\)" if title == "end to end" else r"- \(cut in its first run\)"
            if case == "sphere" and not re.fullmatch(expected, stalled):
                fail(f"sphere ({title}): the peer that stalls reads {stalled!r}", out)
            if case == "rastrigin" and stalled != "-":  # cut in sphere, it never reached rastrigin
                fail(f"rastrigin ({title}): the peer cut before it reads {stalled!r}", out)
            seconds = re.match(r"([\d.]+(?:e-\d+)?) s", peer["numpy columns"])
            if not seconds or "DISAGREES" in peer["numpy columns"]:
                fail(f"{case} ({title}): numpy's cell reads {peer['numpy columns']!r}", out)
            fdgd = FDGD_SECONDS if title == "end to end" else FDGD_DESCENT
            if float(fdgd_cell.split()[0]) != fdgd:  # printed to 4 significant digits
                fail(f"{case} ({title}): fdgd's cell reads {fdgd_cell!r}, not {fdgd}", out)
            # the best counted time (numpy's, or the same run's lingering one) is printed to 4 significant
            # digits, the ratio to 1 place: they agree to that rounding
            printed = min(float(seconds.group(1)), float(peer["lingers"].split()[0]))
            m = re.fullmatch(r"(\d+\.\d)x \(of the peers measured\)", ratio)
            if not m or abs(float(m.group(1)) - printed / fdgd) > 0.05 + 1e-3 * printed / fdgd:
                fail(f"{case} ({title}): the ratio reads {ratio!r}, not the best peer's {printed} s over fdgd's {fdgd} s "
                     "'of the peers measured'", out)
    if "note: lingers" in out:
        fail("the peer that lingers at its exit was waited for, not ended once it had measured all", out)
    if "Traceback" in out or "cut by its time limit" in out:
        fail("a traceback, or the whole run cut where one peer's share should have been", out)
    print("frameworks.py: counted, cut, crashed, unavailable and disagreeing peers read as they should")


def later_runs_checked():
    """measure() on a peer whose second run is faster: its time counts where its points agree, and where
    they do not, the peer disagrees (its first run's check alone would have passed it). On a clock of
    the test's own: the first run takes 0.4 of its seconds, the second 0.1 (a run of 5 s or more is not repeated)."""
    expected = np.ones((4, 2))
    clock = [0.0]

    class FakeTime:
        @staticmethod
        def perf_counter():
            return clock[0]
    real_time, frameworks.time = frameworks.time, FakeTime
    try:
        for moved, counted in ((0.0, True), (1e-6, False)):
            runs = []

            def make(name, lr):
                def on_device(x):
                    runs.append(None)
                    clock[0] += 0.4 if len(runs) == 1 else 0.1
                    return expected + (moved if len(runs) > 1 else 0.0)
                return (lambda starts: starts), on_device, (lambda x: x)
            last = list(frameworks.measure(make, "sphere", 0.01, expected, expected, 2))[-1]
            if last["ok"] != counted or abs(last["seconds"] - (0.1 if counted else 0.4)) > 1e-12:
                sys.exit(f"check_frameworks: a faster second run moved by {moved}: expected ok {counted} and the "
                         f"{'second' if counted else 'first'} run's time, got {last}")
    finally:
        frameworks.time = real_time


if __name__ == "__main__":
    install()
    if "--worker" not in sys.argv:
        later_runs_checked()
    if "--worker" in sys.argv:
        sys.exit(frameworks.main())
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    check(sys.argv[1])
