#!/usr/bin/env python3
"""fdgd against JAX and PyTorch on the same device, the same starts and the same results, in one run.

    python3 bench/peers/frameworks.py [--build build] [--backend cuda|cpu] [--n 1e7] [--repeat 3] [--seconds S]
                                      [--cases sphere,...] [--peers jax,torch.compile,eager]

fdgd (fdgd_bench_run) first runs every case and dumps its starts and final points. Then each peer, in
a process of its own, one after the other, runs every case from the same starts: JAX (float64, jit
of vmap over starts of a lax.fori_loop over steps), PyTorch with torch.compile of the step, PyTorch
eager (batched column arithmetic): the likely fastest first, so that a run cut short has the best peer
of every case. Each peer runs the reference algorithm, 2d whole evaluations of f a step; fdgd reaches
the same points (within 1e-9) with less work where f is a sum (it redoes only the terms a coordinate
moves: sum_structure.hpp), so a ratio measures the method and its implementation together. A peer's
starts are on its device before the clock starts (fdgd makes its own there), as contiguous columns
for PyTorch; its time includes copying the final points back, as fdgd's does
(fdgd's also covers allocating and generating its starts; a small run warms it up first). A second
table times the work on the device alone: fdgd's descent (its starts generated there, then the
steps; no final evaluation, nothing copied back: result::descent_seconds) against each peer's run
until its final points are ready on the device (the same runs, timed there too).
Times are best of --repeat after a
warm-up: JAX compiles for the batch's shape ahead of time, torch.compile takes one step of the whole
batch (it compiles the step), eager runs a slice. A run of 5 s or more is not repeated. A peer's time
counts only when the final points of the run that gave it agree with fdgd's within 1e-9 relative (to
the larger of their magnitudes and 1, since points near 0 differ in their last bits); any run checked
that disagrees makes the peer disagree. The warm-up's
time and each run's best so far are printed as they are made, so that a peer cut short still says
how far it got. With --seconds, each peer gets an equal share of the time left (of 3 peers: a third,
then half of the rest, then the rest) and is stopped at its end; at the end of --seconds, or on a
SIGTERM, the peer at work is stopped and the table of what was measured printed: a peer cut in its
first run took at least as long as it had run ("> 80.03 s"), so that fdgd's ratio to the best peer is
then at least that over fdgd's time (">= 44.4x"); one cut in its warm-up says nothing of its run (the
ratio is then "of the peers measured", as where a peer is unavailable, failed, crashed or disagrees).
On the device alone, only a peer cut after its first run gives a least time there. The exit status is
1 when nothing could be compared.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from script_io import needed  # noqa: E402

np = needed("numpy")
from columns import OBJECTIVES, gradient_step  # noqa: E402

CASES = [("sphere", 2, 0.01, 20.0), ("rosenbrock", 16, 1e-4, 10.0), ("rastrigin", 8, 1e-3, 10.0), ("ackley", 32, 1e-3, 10.0)]
STEPS, SEED, H = 100, 1, 1e-4


def secs(t):
    """A time to 4 significant digits, so that a ratio of two follows from the cells at any N."""
    return f"{t:.4g} s"


def agree(a, b, rel=1e-9, rows=1 << 18):
    """Whether a and b agree within rel (relative to max(|a|, |b|, 1)), and the worst difference; NaN
    anywhere disagrees. In slices of rows, so that 10^7 x 32 values take no copies of their size."""
    if a.shape != b.shape or a.size == 0:
        return False, float("inf")
    worst = 0.0
    for i in range(0, len(a), rows):
        p, q = a[i:i + rows], b[i:i + rows]
        d = float(np.max(np.abs(p - q) / np.maximum(np.maximum(np.abs(p), np.abs(q)), 1.0)))
        if np.isnan(d):
            return False, d
        worst = max(worst, d)
    return worst <= rel, worst


def jax_peer(backend):
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # leave the GPU's memory to the others
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax import lax

    device = jax.devices("gpu" if backend == "cuda" else "cpu")[0]

    def make(name, lr):
        f = OBJECTIVES[name]

        def one(x):  # one start, shape (d,)
            def body(_, x):
                return jnp.stack(gradient_step(jnp, f, [x[i] for i in range(x.shape[0])], lr, H))
            return lax.fori_loop(0, STEPS, body, x)
        compiled = []

        def warm(starts):  # compiles for the batch's shape, ahead of time: no whole run to warm up
            x = jax.device_put(starts, device).block_until_ready()
            if x.dtype != jnp.float64:
                raise TypeError(f"JAX computes in {x.dtype}, not float64")
            compiled.append(jax.jit(jax.vmap(one)).lower(x).compile())
            return x
        return warm, lambda x: compiled[0](x).block_until_ready(), np.asarray
    return make


def torch_peer(backend, compiled):
    import torch
    device = torch.device("cuda" if backend == "cuda" else "cpu")

    def make(name, lr):
        f = OBJECTIVES[name]

        def step(x):  # x: (d, N), a contiguous column a coordinate
            return torch.stack(gradient_step(torch, f, list(x.unbind(0)), lr, H), dim=0)
        step_fn = torch.compile(step) if compiled else step

        def put(starts):
            x = torch.from_numpy(np.ascontiguousarray(starts.T)).to(device)
            if device.type == "cuda":
                torch.cuda.synchronize()
            return x

        def steps(x, count):
            with torch.no_grad():
                for _ in range(count):
                    x = step_fn(x)
            if device.type == "cuda":
                torch.cuda.synchronize()
            return x

        def warm(starts):  # torch.compile: one step of the batch compiles the step for its shape
            steps(put(starts) if compiled else put(starts[:1024]), 1 if compiled else STEPS)
            return put(starts)

        return warm, lambda x: steps(x, STEPS), lambda x: x.cpu().numpy().T
    return make


# (label, worker key, factory), the likely fastest first.
PEERS = [("JAX (jit, vmap, fori_loop)", "jax", jax_peer),
         ("PyTorch torch.compile", "torch.compile", lambda b: torch_peer(b, True)),
         ("PyTorch eager", "eager", lambda b: torch_peer(b, False))]


class TimeUp(BaseException):  # not an Exception: no `except Exception` on the way may swallow it
    pass


def time_up(signum, frame):  # SIGTERM (a time limit outside) or SIGALRM (--seconds)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # timeout signals the process and then its group
    signal.setitimer(signal.ITIMER_REAL, 0)
    raise TimeUp()


def fdgd_run(exe, name, d, n, lr, backend, prefix):
    """fdgd's seconds end to end and of the descent alone."""
    out = subprocess.run([exe, name, str(d), str(n), str(STEPS), str(lr), str(SEED), backend, prefix],
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[1]), float(out[3])


def measure(make, name, lr, starts, expected, repeat):
    """Yields {"warm": seconds} after the warm-up, then for each of `repeat` runs (one when a run takes
    5 s or more), timed when its final points are ready on the device and again when they are on the
    host, the best of each so far: {"seconds", "device_seconds"}, first as {"timed": ...} before the
    first run's final points are checked against `expected` (which takes seconds at 10^7), then with
    "ok" and "err" once they are. A later run's time counts only once its points are checked too (a
    peer need not give the same points each run); one that disagrees makes the peer disagree."""
    warm, on_device, to_host = make(name, lr)
    t0 = time.perf_counter()
    x0 = warm(starts)
    yield {"warm": time.perf_counter() - t0}
    t = t_device = float("inf")
    ok = err = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        on = on_device(x0)
        t1 = time.perf_counter()
        x = to_host(on)
        run_t, run_device = time.perf_counter() - t0, t1 - t0
        del on
        if ok is None:
            t, t_device = run_t, run_device
            yield {"timed": t, "timed_device": t_device}
            ok, err = agree(x, expected)
        elif ok and (run_t < t or run_device < t_device):
            ok, run_err = agree(x, expected)
            err = max(err, run_err) if ok else run_err
            if ok:
                t, t_device = min(t, run_t), min(t_device, run_device)
        del x
        yield {"seconds": t, "device_seconds": t_device, "ok": ok, "err": err}
        if t >= 5.0:
            break


def worker(args):
    """One peer over the cases whose dumps are in args.dir: a JSON line on stdout for each."""
    label, _, factory = next(p for p in PEERS if p[1] == args.worker)
    try:
        make = factory(args.backend)
    except Exception as e:  # not installed, or no such device
        print(json.dumps({"unavailable": f"{type(e).__name__}: {e}"}), flush=True)
        return
    n = int(args.n)
    for name, d, lr, _ in CASES:
        if name not in args.cases.split(","):
            continue
        prefix = os.path.join(args.dir, name)
        print(json.dumps({"case": name, "begin": True}), flush=True)
        try:
            for m in measure(make, name, lr, np.fromfile(prefix + ".starts").reshape(n, d),
                             np.fromfile(prefix + ".x").reshape(n, d), args.repeat):
                if "ok" in m:  # a line a run: the best so far
                    t, ok, err = m["seconds"], m["ok"], m["err"]
                    m["cell"] = f"{secs(t)} (rel diff {err:.1e}{'' if ok else ', DISAGREES: not counted'})"
                    m["device_cell"] = secs(m['device_seconds']) + ("" if ok else " (DISAGREES)")
                print(json.dumps({"case": name, **m}), flush=True)
        except Exception as e:
            print(json.dumps({"case": name, "cell": f"failed: {type(e).__name__}: {str(e)[:80]}"}), flush=True)
    print(json.dumps({"done": True}), flush=True)  # all measured: its exit (a library's teardown) is not waited for


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default="build")
    p.add_argument("--backend", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--n", type=float, default=1e7)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--cases", default=",".join(c[0] for c in CASES))
    p.add_argument("--peers", default=",".join(p[1] for p in PEERS), help="the peers to run, of " +
                   ", ".join(p[1] for p in PEERS))
    p.add_argument("--seconds", type=float, default=float("inf"), help="time for the whole run")
    p.add_argument("--worker", choices=[p[1] for p in PEERS], help=argparse.SUPPRESS)
    p.add_argument("--dir", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return worker(args)
    unknown = set(args.peers.split(",")) - {p[1] for p in PEERS}
    if unknown:
        p.error(f"--peers: no peer named {', '.join(sorted(unknown))}")
    unknown = set(args.cases.split(",")) - {c[0] for c in CASES}
    if unknown:
        p.error(f"--cases: no case named {', '.join(sorted(unknown))} (of {', '.join(c[0] for c in CASES)})")
    if not (1 <= args.n < 2**63 and args.n == int(args.n)):
        p.error(f"--n {args.n:g}: must be a whole number of starts, at least 1")
    if args.repeat < 1:
        p.error(f"--repeat {args.repeat}: must be >= 1")
    if not args.seconds > 0:
        p.error(f"--seconds {args.seconds:g}: must be above 0")
    peers = [p for p in PEERS if p[1] in args.peers.split(",")]
    n = int(args.n)
    cases = [c for c in CASES if c[0] in args.cases.split(",")]
    exe = os.path.join(args.build, "bench", "fdgd_bench_run")
    if not os.access(exe, os.X_OK):
        p.error(f"{exe}: no such program (build the default preset, and give --build its folder)")
    t_fdgd, cells = {}, {name: {} for name, *_ in cases}
    t_descent, device_cells = {}, {name: {} for name, *_ in cases}
    # The peers whose times count (checked, agreeing), each with its times end to end and on the device,
    # as its last line gave them: a later run that disagrees takes the peer out again.
    timed = {name: {} for name, *_ in cases}
    # A case's least times of the peers cut before their run was checked (the ratio is at least their
    # least over fdgd's), end to end and on the device.
    at_least, at_least_device = {name: {} for name, *_ in cases}, {name: {} for name, *_ in cases}
    cut = False
    signal.signal(signal.SIGTERM, time_up)
    signal.signal(signal.SIGALRM, time_up)
    deadline = time.monotonic() + args.seconds
    if args.seconds < float("inf"):
        signal.setitimer(signal.ITIMER_REAL, args.seconds)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, d, lr, _ in cases:
                prefix = os.path.join(tmp, name)
                try:
                    t, descent = fdgd_run(exe, name, d, n, lr, args.backend, prefix)  # the run that dumps
                    for _ in range(args.repeat - 1):
                        t, descent = map(min, zip((t, descent), fdgd_run(exe, name, d, n, lr, args.backend, "-")))
                except subprocess.CalledProcessError as e:
                    if args.backend == "cuda" and "no CUDA device" in e.stderr:  # every case would say it again
                        sys.exit(f"frameworks.py: error: {e.stderr.strip()[:300]}; --backend cpu compares on the CPU")
                    print(f"{name} d={d}: fdgd failed (rc {e.returncode}): {e.stderr.strip()[:200]}", flush=True)
                    continue
                t_fdgd[name], t_descent[name] = t, descent
                print(f"{name} d={d}: fdgd {secs(t)} (descent {secs(descent)})", flush=True)
            ran = ",".join(name for name, *_ in cases if name in t_fdgd)  # the peers run what fdgd ran
            for k, (label, key, _) in enumerate(peers):
                if not ran:
                    break
                proc = subprocess.Popen([sys.executable, "-u", os.path.abspath(__file__), "--worker", key, "--dir", tmp,
                                         "--backend", args.backend, "--n", str(n), "--repeat", str(args.repeat),
                                         "--cases", ran], stdout=subprocess.PIPE, text=True)
                # Under --seconds each peer gets its share of the time left, so that one slow to
                # compile (torch.compile of ackley's graph) cannot leave the next none.
                share = (deadline - time.monotonic()) / (len(peers) - k)
                timer = threading.Timer(share, proc.kill) if share < float("inf") else None
                if timer:
                    timer.start()
                first_run = None  # (case, stage, when it began or the run's time) until a case's first run is checked
                done = False  # it said it had measured everything
                cut = False  # this peer stopped for time (its share, or --seconds), not ended by itself
                try:
                    for raw in proc.stdout:  # as the peer measures; on a cut, TimeUp leaves the loop
                        try:
                            line = json.loads(raw)
                        except ValueError:
                            line = None
                        if not isinstance(line, dict):
                            print(raw, end="", flush=True)  # a library's own message
                            continue
                        if "done" in line:
                            done = True
                            proc.kill()
                            break
                        if "unavailable" in line:
                            print(f"note: {label} unavailable: {line['unavailable']}", flush=True)
                            for name in cells:
                                cells[name][label] = device_cells[name][label] = "unavailable"
                            continue
                        if {"begin", "warm", "timed"} & line.keys():  # what a cut would leave of its first run
                            if "begin" in line:
                                first_run = (line["case"], "warm-up", time.monotonic())
                                continue
                            if "warm" in line:
                                first_run = (line["case"], "run", time.monotonic())
                                what = f"warmed up in {line['warm']:.1f} s" + ("" if key == "eager" else " (compiling)")
                            else:
                                first_run = (line["case"], "check", (line["timed"], line.get("timed_device")))
                                what = f"first run {secs(line['timed'])}, now checked against fdgd's points"
                            print(f"{line['case']}: {label} {what}", flush=True)
                            continue
                        first_run = None
                        cells[line["case"]][label] = line["cell"]
                        device_cells[line["case"]][label] = line.get("device_cell", line["cell"])
                        if line.get("ok"):
                            timed[line["case"]][label] = (line["seconds"], line["device_seconds"])
                        elif "ok" in line:
                            timed[line["case"]].pop(label, None)
                        print(f"{line['case']}: {label} {line['cell']}; on the device {line.get('device_cell', '-')}",
                              flush=True)
                    if proc.wait() != 0 and not done:
                        cut = proc.returncode == -signal.SIGKILL and timer is not None and not timer.is_alive()
                        print(f"note: {label} " + (f"cut at its share of the time ({share:.0f} s)" if cut else
                                                   f"ended with status {proc.returncode}"), flush=True)
                except TimeUp:
                    cut = True
                    raise
                finally:  # a cut ends the peer before its files go
                    was_cut = cut or (timer is not None and not timer.is_alive() and proc.poll() == -signal.SIGKILL
                                      and not done)
                    if first_run and not was_cut:  # it ended by itself (a crash, an abort): no least time
                        name, stage, _ = first_run
                        cells[name][label] = device_cells[name][label] = f"crashed (status {proc.poll()}) in its {stage}"
                    elif first_run:  # cut in its warm-up, its first run or its check: not counted
                        name, stage, value = first_run  # value: when the stage began, or the run's times
                        if stage == "warm-up":
                            cell = device_cell = f"cut in its warm-up, after {time.monotonic() - value:.0f} s"
                        elif stage == "run":  # the run takes at least that long; on the device, unknown
                            at_least[name][label] = time.monotonic() - value
                            cell = f"> {secs(at_least[name][label])} (cut in its first run)"
                            device_cell = "- (cut in its first run)"
                        else:
                            at_least[name][label], device = value
                            cell = f"{secs(value[0])} (cut before its check against fdgd)"
                            device_cell = "-" if device is None else f"{secs(device)} (cut before its check)"
                            if device is not None:
                                at_least_device[name][label] = device
                        cells[name][label], device_cells[name][label] = cell, device_cell
                    if timer:
                        timer.cancel()
                    if proc.poll() is None:
                        proc.kill()
                        proc.wait()
            # Done before --seconds: no TimeUp while the dumps are removed and the tables print.
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except TimeUp:
        print("note: cut by its time limit; the table holds what was measured", flush=True)
    best = {name: min(s for s, _ in by.values()) for name, by in timed.items() if by}
    best_device = {name: min(s for _, s in by.values()) for name, by in timed.items() if by}
    for title, fdgd_t, table, best_t, bounds in [("end to end", t_fdgd, cells, best, at_least),
                                                 ("on the device alone", t_descent, device_cells, best_device, at_least_device)]:
        print(f"\n| case (N={n:,}, {STEPS} steps, {args.backend}), {title} | fdgd | " +
              " | ".join(p[0] for p in peers) + " | fdgd vs best peer | target (on a GPU) |")
        print("|---" * (len(peers) + 4) + "|")
        for name, d, lr, target in cases:
            if name not in fdgd_t:
                continue
            ratio = f"{best_t[name] / fdgd_t[name]:.1f}x" if name in best_t else "-"
            least = min(bounds[name].values(), default=float("inf"))
            if least < best_t.get(name, float("inf")):
                ratio = f">= {least / fdgd_t[name]:.1f}x (a peer cut)"
            # every peer measured: its time counts, or a least time of it does
            if ratio != "-" and any(p[0] not in timed[name] and p[0] not in bounds[name] for p in peers):
                ratio += " (of the peers measured)"
            print(f"| {name} d={d}, lr={lr:g} | {secs(fdgd_t[name])} | " +
                  " | ".join(table[name].get(p[0], "-") for p in peers) + f" | {ratio} | >= {target:.0f}x |", flush=True)
    return 0 if best else 1


if __name__ == "__main__":
    sys.exit(main())
