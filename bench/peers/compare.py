#!/usr/bin/env python3
"""fdgd's CPU backend against the seed's own loop and the vectorised numpy version, in one run.

    python3 bench/peers/compare.py [--build build] [--seed-sample 200] [--repeat 3]

For each case: fdgd (bench binary fdgd_bench_run, all cores) runs the batch and dumps its starts and
final points; numpy (vectorised) runs the same starts; the seed's loop runs the first --seed-sample
starts and its time is scaled to the whole batch (it is ~1 ms a start: the full batch would take
hours). fdgd and numpy are timed --repeat times and the best time counts (the machine is shared
and noisy). A peer's time counts only when its final points agree with fdgd's within 1e-9 relative to the
larger of their magnitudes and 1 (points near 0 differ in their last bits); where numpy's do not,
the table gives no speedup over it.
Prints a markdown table; needs numpy (pip install numpy). Exits 1 where a case misses its speed
target or a peer disagrees (the table's last column says "missed"), 2 for a mistake in the arguments.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from script_io import needed  # noqa: E402

np = needed("numpy")
import numpy_vectorized  # noqa: E402
import seed_loop  # noqa: E402
from frameworks import agree  # noqa: E402  (the one agreement rule of the peers)
from objectives import OBJECTIVES  # noqa: E402

# name, d, N, lr, required speedup. Rastrigin runs at lr = 1e-3: at the default 0.01, lr times its
# largest curvature (2 + 40 pi^2 ~ 400) is ~4 > 2, descent is unstable and chaotic, and a 1-ulp
# difference between two cos implementations grows to O(1) within 100 steps, so no two programs
# could agree. At 1e-3 descent contracts and agreement is a real check.
CASES = [("sphere", 2, 1_000_000, 0.01, 20.0), ("rastrigin", 8, 100_000, 1e-3, 5.0)]
STEPS, SEED = 100, 1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default="build")
    p.add_argument("--seed-sample", type=int, default=200)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    if args.seed_sample < 1:
        p.error(f"--seed-sample {args.seed_sample}: must be >= 1")
    if args.repeat < 1:
        p.error(f"--repeat {args.repeat}: must be >= 1")
    exe = os.path.join(args.build, "bench", "fdgd_bench_run")
    if not os.access(exe, os.X_OK):
        p.error(f"{exe}: no such program (build the default preset, and give --build its folder)")
    rows, failed = [], False
    with tempfile.TemporaryDirectory() as tmp:
        for name, d, n, lr, target in CASES:
            prefix = os.path.join(tmp, name)
            t_fdgd = float("inf")
            for _ in range(args.repeat):
                run = subprocess.run([exe, name, str(d), str(n), str(STEPS), str(lr), str(SEED), "cpu", prefix],
                                     capture_output=True, text=True)
                if run.returncode != 0:
                    sys.exit(f"{name} d={d}: fdgd failed (rc {run.returncode}): {run.stderr.strip()[:400]}")
                out = run.stdout.split()
                t_fdgd, device = min(t_fdgd, float(out[1])), " ".join(out[7:])
            starts = np.fromfile(prefix + ".starts").reshape(n, d)
            x_fdgd = np.fromfile(prefix + ".x").reshape(n, d)
            f = OBJECTIVES[name]

            t_np = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                x_np = numpy_vectorized.run(f, starts, lr, STEPS)
                t_np = min(t_np, time.perf_counter() - t0)
            ok_np, err_np = agree(x_np, x_fdgd)

            k = min(args.seed_sample, n)
            t0 = time.perf_counter()
            x_seed = seed_loop.run(f, starts[:k], lr, STEPS)
            t_seed = (time.perf_counter() - t0) * n / k
            ok_seed, err_seed = agree(x_seed, x_fdgd[:k])

            speedup = t_np / t_fdgd
            missed = not (ok_np and ok_seed) or speedup < target
            failed |= missed
            rows.append((name, d, n, lr, t_fdgd, device, t_np, err_np, ok_np, t_seed, k, err_seed, ok_seed, speedup, target,
                         missed))

    print(f"| case | fdgd CPU (best of {args.repeat}) | numpy vectorised (best of {args.repeat}) | seed loop (scaled from a sample) | fdgd vs numpy | target |")
    print("|---|---|---|---|---|---|")
    for name, d, n, lr, t_f, dev, t_np, e_np, ok_np, t_s, k, e_s, ok_s, sp, tg, missed in rows:
        # A peer whose points disagree has no time that counts: no speedup over it, and the reason.
        wrong = [peer for peer, ok in (("numpy", ok_np), ("the seed loop", ok_s)) if not ok]
        verdict = f" (missed: {' and '.join(wrong)} disagree{'s' if len(wrong) == 1 else ''})" if wrong else \
            " (missed)" if missed else ""
        print(f"| {name} d={d}, N={n:.0e}, lr={lr:g}, {STEPS} steps | {t_f:.3f} s ({dev}) | {t_np:.3f} s (max rel diff {e_np:.1e}) "
              f"| {t_s:.0f} s ({k} starts timed; max rel diff {e_s:.1e}) | {f'{sp:.1f}x' if ok_np else '-'} "
              f"| >= {tg:.0f}x{verdict} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
