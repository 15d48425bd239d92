#!/usr/bin/env python3
"""Checks the device check's report scripts (cpu_vs_gpu.py, roofline.py) on a real bench_sweep JSON
run on the CPU: as it is (cpu_vs_gpu.py's CPU-only tables), then with GPU rows made from it (each
CPU time / 8) and a made-up probe, against figures
worked out here by hand, so that a GPU session does not find a broken script.

    python3 bench/tests/check_scripts.py build/bench/bench_sweep
"""
import json
import os
import subprocess
import sys
import tempfile

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBE = {"device": "made-up GPU", "sm_count": 1, "copy_bytes_per_s": 1e12, "fp64_flops_per_s": 1e13,
         "fp32_flops_per_s": 2e13, "cos_flops": 20.0, "exp_flops": 15.0, "sqrt_flops": 5.0, "div_flops": 10.0,
         "mul_flops": 2.0}


def run(*args):
    out = subprocess.run([sys.executable, *args], cwd=BENCH, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{args[0]} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def refused(expected, *args, env=None):
    """The script's one line of error holding `expected`, and status 1."""
    out = subprocess.run([sys.executable, *args], cwd=BENCH, capture_output=True, text=True, env=env)
    lines = out.stderr.strip().splitlines()
    if out.returncode != 1 or len(lines) != 1 or expected not in lines[0]:
        sys.exit(f"{' '.join(args)}: expected one line of error with '{expected}'; status {out.returncode}:\n{out.stderr}")


def without_modules(tmp):
    """Each script that needs numpy or matplotlib, where neither imports: one line naming the package."""
    stubs = os.path.join(tmp, "stubs")
    os.mkdir(stubs)
    for module in ("numpy", "matplotlib"):
        with open(os.path.join(stubs, module + ".py"), "w") as f:
            f.write(f'raise ImportError("No module named {module!r} (a stand-in)")\n')
    env = dict(os.environ, PYTHONPATH=stubs)
    for script, module in (("plot/throughput.py", "matplotlib"), ("plot/histogram.py", "numpy"),
                           ("plot/trace_contour.py", "numpy"), ("peers/compare.py", "numpy"),
                           ("peers/frameworks.py", "numpy")):
        refused(f"{os.path.basename(script)}: error: needs {module}, which does not import here", script, "x.json",
                env=env)


def main(bench_sweep):
    with tempfile.TemporaryDirectory() as tmp:
        without_modules(tmp)
        sweep = os.path.join(tmp, "sweep.json")
        subprocess.run([bench_sweep, "--benchmark_filter=^cpu/(sphere_d2|rastrigin_d8)/(fused|per_launch)/f64/256/",
                        "--benchmark_min_time=0.01", "--benchmark_format=json", f"--benchmark_out={sweep}"],
                       check=True, capture_output=True)
        with open(sweep) as f:
            data = json.load(f)
        cpu_rows = [b for b in data["benchmarks"] if b["name"].startswith("cpu/")]
        if len(cpu_rows) != 4:
            sys.exit(f"expected 4 CPU rows, got {[b['name'] for b in cpu_rows]}")
        # A run without GPU rows (a CPU-only machine): the CPU's times alone, with "-" for the GPU's.
        cpu_only = run("cpu_vs_gpu.py", sweep)
        for b in cpu_rows:
            seconds = b["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
            if f"| 2^8 | {seconds:.3g} | - | - |" not in cpu_only:
                sys.exit(f"cpu_vs_gpu.py: no CPU-only row of {seconds:.3g} s for {b['name']}:\n{cpu_only}")
        if cpu_only.count("no GPU rows in this run") != 4 or "GPU faster" in cpu_only:
            sys.exit(f"cpu_vs_gpu.py: expected 4 CPU-only tables and no crossover:\n{cpu_only}")
        if "CPU threads" not in cpu_only or "fdgd_cpu_threads" not in data["context"]:
            sys.exit(f"the sweep's context names no CPU threads: {data['context']}")
        # GPU rows that failed say so, with the reason, rather than "no GPU rows".
        failed = os.path.join(tmp, "failed.json")
        with open(failed, "w") as f:
            json.dump(dict(data, benchmarks=data["benchmarks"] + [
                {"name": "cuda/" + b["name"][4:], "error_occurred": True, "error_message": "no device here"}
                for b in cpu_rows]), f)
        lost = run("cpu_vs_gpu.py", failed)
        if lost.count("(the GPU rows of this case failed: no device here)") != 4 or lost.count("| failed | - |") != 4:
            sys.exit(f"cpu_vs_gpu.py: expected 4 tables of failed GPU rows:\n{lost}")
        refused("every CUDA row of this run failed (4), the first: cuda/rastrigin_d8/fused/f64/2^8: no device here",
                "roofline.py", failed)
        # A case whose every row failed, beside cases that ran: still a table, saying so.
        with open(failed, "w") as f:
            json.dump(dict(data, benchmarks=[
                dict(name=b["name"], error_occurred=True, error_message="out of memory") if "/sphere_d2/fused/" in b["name"]
                else b for b in data["benchmarks"]]), f)
        gone = run("cpu_vs_gpu.py", failed)
        if "### sphere_d2, fused, f64" not in gone or "cpu failed at 1 N, the first at 2^8: out of memory" not in gone \
                or gone.count("### ") != 4:
            sys.exit(f"cpu_vs_gpu.py: expected the case whose rows all failed among the 4 tables:\n{gone}")
        # A sweep cut mid-run (stopped): the benchmarks written before the cut, with a note.
        with open(sweep) as f:
            text = f.read()
        cut = os.path.join(tmp, "cut.json")
        with open(cut, "w") as f:
            f.write(text[:text.index("\n    }", text.index("\n    }") + 1) + 20])
        kept = subprocess.run([sys.executable, "cpu_vs_gpu.py", cut], cwd=BENCH, capture_output=True, text=True)
        if kept.returncode != 0 or "was cut mid-run; read the 2 benchmarks written before the cut" not in kept.stderr \
                or kept.stdout.count("| 2^8 |") != 2:
            sys.exit(f"cpu_vs_gpu.py on a cut sweep: expected its 2 rows and a note; status {kept.returncode}:\n"
                     f"{kept.stdout}\n{kept.stderr}")
        # Cut before its first benchmark closed: none kept, said so, then no rows to show.
        with open(cut, "w") as f:
            f.write(text[:text.index('"benchmarks": [') + 40])
        none = subprocess.run([sys.executable, "cpu_vs_gpu.py", cut], cwd=BENCH, capture_output=True, text=True)
        if none.returncode != 1 or "read the 0 benchmarks written before the cut" not in none.stderr \
                or "no bench_sweep rows" not in none.stderr:
            sys.exit(f"cpu_vs_gpu.py on a sweep cut before its first benchmark: expected the note and an error; status "
                     f"{none.returncode}:\n{none.stderr}")
        # A time unit Google Benchmark does not write, a time that is not finite.
        odd = os.path.join(tmp, "odd.json")
        for change, expected in (({"time_unit": "ps"}, "has the time unit 'ps', none of ns, us, ms, s"),
                                 ({"real_time": float("inf")}, "has a time of inf")):
            with open(odd, "w") as f:
                json.dump(dict(data, benchmarks=[dict(data["benchmarks"][0], **change)]), f)
            refused(f"{odd}: ", "cpu_vs_gpu.py", odd)
            refused(expected, "cpu_vs_gpu.py", odd)
        # Hand-made context and names of the wrong type: read as absent, not a Python error.
        with open(odd, "w") as f:
            json.dump(dict(data, context=dict(data.get("context", {}), load_avg=[None]),
                           benchmarks=data["benchmarks"] + [{"name": 5}]), f)
        run("cpu_vs_gpu.py", odd)
        with open(odd, "w") as f:
            json.dump(dict(data, benchmarks=[{"name": 5}]), f)
        refused(f"{odd}: no bench_sweep rows", "cpu_vs_gpu.py", odd)
        # Files that are not a sweep: one line naming them.
        empty = os.path.join(tmp, "empty.json")
        open(empty, "w").close()
        refused(f"{empty}: empty", "cpu_vs_gpu.py", empty)
        nothing = subprocess.run([bench_sweep, "--benchmark_filter=cpu/sphere/", f"--benchmark_out={empty}"],
                                 capture_output=True, text=True)
        if nothing.returncode != 1 or "bench_sweep: no case matches the filter" not in nothing.stderr:
            sys.exit(f"bench_sweep with a filter of no case: expected status 1 and a line; got {nothing.returncode}:\n"
                     f"{nothing.stderr}")
        for b in cpu_rows:
            g = dict(b, name="cuda/" + b["name"][4:], real_time=b["real_time"] / 8)
            data["benchmarks"].append(g)
        with open(sweep, "w") as f:
            json.dump(data, f)
        probe = os.path.join(tmp, "probe.json")
        with open(probe, "w") as f:
            json.dump(PROBE, f)
        refused(f"{cut}: not JSON", "roofline.py", sweep, cut)  # a probe cut short is no sweep to recover
        refused("give the ceilings too", "roofline.py", sweep)
        for key, value in (("cos_flops", None), ("mul_flops", "a")):  # one missing, one of another kind
            odd_probe = os.path.join(tmp, "odd_probe.json")
            with open(odd_probe, "w") as f:
                json.dump({k: v for k, v in dict(PROBE, **{key: value}).items() if v is not None}, f)
            refused(f"{odd_probe}: '{key}' is {value}, not a positive number", "roofline.py", sweep, odd_probe)

        speedups = run("cpu_vs_gpu.py", sweep)
        if speedups.count("| 2^8 |") != 4 or speedups.count("8.0x") != 4 or "GPU faster from N = 2^8" not in speedups:
            sys.exit(f"cpu_vs_gpu.py: expected a speedup of 8.0x at 2^8 in each of 4 tables:\n{speedups}")

        # A failed CUDA row among those that ran: named under the table.
        with open(failed, "w") as f:
            json.dump(dict(data, benchmarks=data["benchmarks"] + [
                {"name": "cuda/sphere_d2/fused/f64/512/", "error_occurred": True, "error_message": "launch failed"}]), f)
        if "\ncuda/sphere_d2/fused/f64/2^9 failed: launch failed" not in run("roofline.py", failed, probe):
            sys.exit(f"roofline.py: expected the failed row named:\n{run('roofline.py', failed, probe)}")

        roofline = run("roofline.py", sweep, probe)
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
        checked = 0
        for b in cpu_rows:
            _, case, mode, _, n = b["name"].split("/")[:5]
            n, d = int(n), int(case.rsplit("_d", 1)[1])
            measured = b["real_time"] * unit[b["time_unit"]] / 8 / 10  # per step: 10 steps an iteration
            e = b["eval_flops"], b["eval_cos_sin"], b["eval_exp"], b["eval_sqrt"]
            g = b["grad_flops"], b["grad_cos_sin"], b["grad_exp"], b["grad_sqrt"]
            if g[0] >= 2 * d * e[0] and d > 2:
                sys.exit(f"{case}: the gradient's work {g} is not below 2d evaluations' {e}: is the term reuse counted?")
            # plain flops weigh 1 (2 without FMA), x / 2h weighs 10, cos 20, exp 15, sqrt 5
            reference = 2 * d * (e[0] + e[1] * 20 + e[2] * 15 + e[3] * 5) + 5 * d + 10 * d
            done = g[0] + g[1] * 20 + g[2] * 15 + g[3] * 5 + 5 * d + 10 * d
            unfused = 2 * g[0] + g[1] * 20 + g[2] * 15 + g[3] * 5 + 5 * d * 2 + 10 * d
            floors = [n * flops / 1e13 for flops in (reference, done, unfused)]
            if mode == "per_launch":
                floors = [max(floor, n * (2 * d * 8 + 18) / 1e12) for floor in floors]
            row = next((line for line in roofline.splitlines() if line.startswith(f"| {case} | {mode} | f64 | 2^8 |")),
                       None)
            ratios = [f"{measured / floor:.2f}" for floor in floors]
            cells = row.strip("|").split("|")[6::2] if row else []
            if [cell.strip() for cell in cells] != ratios:
                sys.exit(f"roofline.py: expected the ratios {ratios} for {case} {mode}, got:\n{roofline}")
            checked += 1
        print(f"cpu_vs_gpu.py and roofline.py agree with the hand-worked figures on {checked} rows")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
