#!/usr/bin/env python3
"""fdgd against JAX and PyTorch on the same device, the same starts and the same work, in one run.

    python3 bench/peers/frameworks.py [--build build] [--backend cuda|cpu] [--n 1e7] [--repeat 3]

For each case fdgd (fdgd_bench_run) runs the batch and dumps its starts and final points; each peer
runs the same starts: JAX (float64, jit of vmap over starts of a lax.fori_loop over steps), PyTorch
eager (batched column arithmetic) and PyTorch with torch.compile of the step. Times are best of
--repeat after one warm-up run (which compiles); a run of 5 s or more is not repeated (PyTorch eager
takes about half a minute a run for ackley d=32 at N=1e7 on a GPU, and the device check has minutes).
A peer's time counts only when its final points agree with fdgd's within 1e-9 relative. Peers that
are not installed are reported as such. Each measurement is also printed to stderr as it is made, so
that a run cut short by a time limit keeps what it measured.
"""
import argparse
import os
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
        return lambda starts: np.asarray(run(jax.device_put(starts, device)).block_until_ready())
    return make


def torch_peer(backend, compiled):
    import torch
    device = torch.device("cuda" if backend == "cuda" else "cpu")

    def make(name, lr):
        f = OBJECTIVES[name]

        def step(x):  # x: (N, d) tensor
            return torch.stack(gradient_step(torch, f, list(x.unbind(1)), lr, H), dim=1)
        step_fn = torch.compile(step) if compiled else step

        def run(starts):
            with torch.no_grad():
                x = torch.from_numpy(starts).to(device)
                for _ in range(STEPS):
                    x = step_fn(x)
                if device.type == "cuda":
                    torch.cuda.synchronize()
                return x.cpu().numpy()
        return run
    return make


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default="build")
    p.add_argument("--backend", default="cuda", choices=["cuda", "cpu"])
    p.add_argument("--n", type=float, default=1e7)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--cases", default=",".join(c[0] for c in CASES))
    args = p.parse_args()
    n = int(args.n)
    peers = []
    # The likely fastest first: if time runs out, the best peer of a case has been measured.
    for label, factory in [("JAX (jit, vmap, fori_loop)", lambda: jax_peer(args.backend)),
                           ("PyTorch torch.compile", lambda: torch_peer(args.backend, True)),
                           ("PyTorch eager", lambda: torch_peer(args.backend, False))]:
        try:
            peers.append((label, factory()))
        except Exception as e:  # not installed, or no such device
            print(f"note: {label} unavailable: {type(e).__name__}: {e}", file=sys.stderr)
    exe = os.path.join(args.build, "bench", "fdgd_bench_run")
    print(f"| case (N={n:.0e}, {STEPS} steps, {args.backend}) | fdgd | " + " | ".join(l for l, _ in peers) +
          " | fdgd vs best peer | target |")
    print("|---" * (len(peers) + 4) + "|", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, d, lr, target in CASES:
            if name not in args.cases.split(","):
                continue
            prefix = os.path.join(tmp, name)
            t_fdgd = float("inf")
            for _ in range(args.repeat):
                out = subprocess.run([exe, name, str(d), str(n), str(STEPS), str(lr), str(SEED), args.backend, prefix],
                                     check=True, capture_output=True, text=True).stdout.split()
                t_fdgd = min(t_fdgd, float(out[1]))
            starts = np.fromfile(prefix + ".starts").reshape(n, d)
            x_fdgd = np.fromfile(prefix + ".x").reshape(n, d)
            cells, best = [], float("inf")
            for label, make in peers:
                try:
                    run = make(name, lr)
                    x = run(starts)  # warm-up: compiles
                    t = float("inf")
                    for _ in range(args.repeat):
                        t0 = time.perf_counter()
                        x = run(starts)
                        t = min(t, time.perf_counter() - t0)
                        if t >= 5.0:
                            break
                    ok, err = agree(x, x_fdgd)
                    cells.append(f"{t:.3f} s (rel diff {err:.1e}{'' if ok else ', DISAGREES: not counted'})")
                    print(f"{name} d={d}: fdgd {t_fdgd:.3f} s, {label} {cells[-1]}", file=sys.stderr, flush=True)
                    if ok:
                        best = min(best, t)
                except Exception as e:
                    cells.append(f"failed: {type(e).__name__}")
            ratio = f"{best / t_fdgd:.1f}x" if best < float("inf") else "-"
            print(f"| {name} d={d}, lr={lr:g} | {t_fdgd:.3f} s | " + " | ".join(cells) + f" | {ratio} | >= {target:.0f}x |",
                  flush=True)


if __name__ == "__main__":
    main()
