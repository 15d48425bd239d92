#!/usr/bin/env python3
"""fdgd against JAX and PyTorch on the same device, the same starts and the same work, in one run.

    python3 bench/peers/frameworks.py [--build build] [--backend cuda|cpu] [--n 1e7] [--repeat 3]

fdgd (fdgd_bench_run) first runs every case and dumps its starts and final points. Then each peer, one
after the other, runs every case from the same starts: JAX (float64, jit of vmap over starts of a
lax.fori_loop over steps), PyTorch with torch.compile of the step, PyTorch eager (batched column
arithmetic): the likely fastest first, so that a run cut short has the best peer of every case.
A peer's starts are on its device before the clock starts (fdgd makes its own there); its time
includes copying the final points back, as fdgd's does. Times are best of --repeat after a warm-up
(the whole batch for JAX and torch.compile, which compile for its shape; a slice for eager); a run of
5 s or more is not repeated. A peer's time counts only when its final points agree with fdgd's
within 1e-9 relative. Each measurement is printed as it is made, and a SIGTERM (a time limit) prints
the table of what was measured before exiting.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from columns import OBJECTIVES, gradient_step  # noqa: E402

CASES = [("sphere", 2, 0.01, 20.0), ("rosenbrock", 16, 1e-4, 10.0), ("rastrigin", 8, 1e-3, 10.0), ("ackley", 32, 1e-3, 10.0)]
STEPS, SEED, H = 100, 1, 1e-4


def agree(a, b, rel=1e-9):
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1.0)
    worst = float(np.max(np.abs(a - b) / scale))
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
        run = jax.jit(jax.vmap(one))
        return (lambda starts: jax.device_put(starts, device).block_until_ready(),
                lambda x: np.asarray(run(x).block_until_ready()))
    return make


def torch_peer(backend, compiled):
    import torch
    device = torch.device("cuda" if backend == "cuda" else "cpu")

    def make(name, lr):
        f = OBJECTIVES[name]

        def step(x):  # x: (N, d) tensor
            return torch.stack(gradient_step(torch, f, list(x.unbind(1)), lr, H), dim=1)
        step_fn = torch.compile(step) if compiled else step

        def put(starts):
            x = torch.from_numpy(starts).to(device)
            if device.type == "cuda":
                torch.cuda.synchronize()
            return x

        def run(x):
            with torch.no_grad():
                for _ in range(STEPS):
                    x = step_fn(x)
                return x.cpu().numpy()
        return put, run
    return make


PEERS = [("JAX (jit, vmap, fori_loop)", lambda b: jax_peer(b), True),
         ("PyTorch torch.compile", lambda b: torch_peer(b, True), True),
         ("PyTorch eager", lambda b: torch_peer(b, False), False)]  # (label, factory, warm up on the whole batch)


class TimeUp(Exception):
    pass


def on_sigterm(signum, frame):
    raise TimeUp()


def fdgd_run(exe, name, d, n, lr, backend, prefix):
    out = subprocess.run([exe, name, str(d), str(n), str(STEPS), str(lr), str(SEED), backend, prefix],
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[1])


def measure(make, whole_warm_up, name, lr, starts, repeat):
    """Best time of `repeat` runs of a peer and its final points."""
    put, run = make(name, lr)
    x0 = put(starts if whole_warm_up else starts[:1024])
    run(x0)  # warm-up: compiles, loads kernels
    del x0
    x0 = put(starts)
    t = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        x = run(x0)
        t = min(t, time.perf_counter() - t0)
        if t >= 5.0:
            break
    return t, x


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default="build")
    p.add_argument("--backend", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--n", type=float, default=1e7)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--cases", default=",".join(c[0] for c in CASES))
    args = p.parse_args()
    n = int(args.n)
    cases = [c for c in CASES if c[0] in args.cases.split(",")]
    exe = os.path.join(args.build, "bench", "fdgd_bench_run")
    t_fdgd, cells, best = {}, {name: {} for name, *_ in cases}, {}
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, d, lr, _ in cases:
                prefix = os.path.join(tmp, name)
                try:
                    t = fdgd_run(exe, name, d, n, lr, args.backend, prefix)  # the run that dumps
                    for _ in range(args.repeat - 1):
                        t = min(t, fdgd_run(exe, name, d, n, lr, args.backend, "-"))
                except subprocess.CalledProcessError as e:
                    print(f"{name} d={d}: fdgd failed (rc {e.returncode}): {e.stderr.strip()[:200]}", flush=True)
                    continue
                t_fdgd[name] = t
                print(f"{name} d={d}: fdgd {t:.3f} s", flush=True)
            cases = [c for c in cases if c[0] in t_fdgd]  # the peers run what fdgd ran
            for label, factory, whole_warm_up in PEERS:
                try:
                    make = factory(args.backend)
                except Exception as e:  # not installed, or no such device
                    print(f"note: {label} unavailable: {type(e).__name__}: {e}", flush=True)
                    for name in cells:
                        cells[name][label] = "unavailable"
                    continue
                for name, d, lr, _ in cases:
                    prefix = os.path.join(tmp, name)
                    try:
                        starts = np.fromfile(prefix + ".starts").reshape(n, d)
                        t, x = measure(make, whole_warm_up, name, lr, starts, args.repeat)
                        ok, err = agree(x, np.fromfile(prefix + ".x").reshape(n, d))
                        cells[name][label] = f"{t:.3f} s (rel diff {err:.1e}{'' if ok else ', DISAGREES: not counted'})"
                        if ok:
                            best[name] = min(best.get(name, float("inf")), t)
                    except TimeUp:
                        raise
                    except Exception as e:
                        cells[name][label] = f"failed: {type(e).__name__}: {str(e)[:80]}"
                    print(f"{name} d={d}: {label} {cells[name][label]}", flush=True)
    except TimeUp:
        print("note: cut by its time limit; the table holds what was measured", flush=True)
    print(f"\n| case (N={n:.0e}, {STEPS} steps, {args.backend}) | fdgd | " + " | ".join(l for l, *_ in PEERS) +
          " | fdgd vs best peer | target |")
    print("|---" * (len(PEERS) + 4) + "|")
    for name, d, lr, target in cases:
        if name not in t_fdgd:
            continue
        ratio = f"{best[name] / t_fdgd[name]:.1f}x" if name in best else "-"
        print(f"| {name} d={d}, lr={lr:g} | {t_fdgd[name]:.3f} s | " +
              " | ".join(cells[name].get(l, "-") for l, *_ in PEERS) + f" | {ratio} | >= {target:.0f}x |", flush=True)


if __name__ == "__main__":
    main()
