#!/usr/bin/env bash
# The device check, for a machine with an NVIDIA GPU. Part 1 (steps 1-5) and part 2 (6-7) each fit
# one device call; run them back to back so that part 2 finds part 1's build on the warm machine:
#   1. build Release for the GPU present (GoogleTest, Google Benchmark, CLI11, nlohmann/json and fmt
#      from the .deb files that prepare.sh fetched, unpacked into .deps/; nothing is installed
#      system-wide),
#   2. run every test: none of the CUDA cases may skip (FDGD_REQUIRE_CUDA=1 makes them fail instead),
#   3. compute-sanitizer memcheck and racecheck on the CUDA tests,
#   4. run the `fdgd` command on the GPU (a built-in, and --expr: first compile, then the cache,
#      memcheck), group 1e7 final points on the device, --expr vs built-in (bench_expression),
#   5. time the same runs on the GPU and on every CPU core (fdgd_bench_run),
#   6. measure the roofline's ceilings, run the batch-size sweep, print measured / floor and the
#      CPU-GPU crossover, and plot throughput against N,
#   7. run JAX and PyTorch on the same starts and compare (bench/peers/frameworks.py),
#   8. (PART=3 only, an experiment) build with FDGD_CUDA_RECIPROCAL_DIVISION=ON beside the plain
#      build, check that both give the same bits on the GPU, and time the fused sweeps of both,
# keeping logs and JSON under $OUT (default bench/device/out) and printing a markdown table last.
# Usage (device tool), with carry ["bench/device/debs"]:
#   PART=1 bash bench/device/check.sh      then      PART=2 bash bench/device/check.sh
# (PART unset: both, in one call, if the call's time allows.) PART=3: step 8 alone.
# Time, estimated from this machine's 2-core runs (never yet measured on a GPU machine): part 1 about
# 5-6 minutes (a fresh build for one architecture on 16 cores, the tests, the sanitizers); part 2
# about 8-9 (the probe, the sweep's GPU cases cut at 120 s and CPU cases at 60 s, the scripts, the
# peers cut at 300 s, PyTorch eager the slowest of them). With the machine's start that is about the
# device's 15 minutes: run part 2 at once after part 1, with timeout_s set to what is left. Every
# cut keeps what was measured (the sweep's completed cases; the peers print each measurement).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-bench/device/out}"
PART="${PART:-all}"
mkdir -p "$OUT"
log() { echo "== $*" | tee -a "$OUT/summary.log"; }
status_of() { if [ "$1" -eq 0 ]; then echo pass; else echo "FAIL (rc $1)"; fi; }
# The Python expression $2 over the JSON summary s in file $1; one line saying so where there is none
# (the run failed: its error is in that file or in the log beside it).
summary_of() { python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null ||
  echo "no JSON summary in $1 (the run's error is in the log beside it)"; }

nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,clocks.max.mem,memory.total --format=csv >"$OUT/gpu.csv" 2>&1 ||
  { echo "no GPU here (nvidia-smi failed)"; exit 1; }
gpu=$(sed -n 2p "$OUT/gpu.csv")
cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d .)
log "GPU: $gpu (sm_$cap), $(nproc) CPU cores, $(nvcc --version | tail -1)"

deps="$PWD/.deps"
mkdir -p "$deps"
for deb in bench/device/debs/*.deb; do
  if command -v dpkg >/dev/null; then dpkg -x "$deb" "$deps"; else (cd "$deps" && ar p "$OLDPWD/$deb" data.tar.xz | tar xJ); fi
done
export LD_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"

t0=$(date +%s)
cmake -S . -B build-device -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$cap" \
  -DCMAKE_PREFIX_PATH="$deps/usr" >"$OUT/configure.log" 2>&1 &&
  cmake --build build-device -j "$(nproc)" >"$OUT/build.log" 2>&1
build_rc=$?
log "build: $(status_of $build_rc) in $(( $(date +%s) - t0 )) s"
[ $build_rc -eq 0 ] || { tail -30 "$OUT/build.log"; exit 1; }

if [ "$PART" = 1 ] || [ "$PART" = all ]; then
# FDGD_REQUIRE_CUDA=1: a GPU case that finds no usable device (an old driver, say) fails instead of skipping.
FDGD_REQUIRE_CUDA=1 build-device/tests/fdgd_tests --gtest_output="json:$OUT/tests.json" >"$OUT/tests.log" 2>&1
tests_rc=$?
skipped=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) tests\?, listed below.*/\1/p' "$OUT/tests.log")
log "tests: $(status_of $tests_rc); skipped: ${skipped:-0} (expected: only the 2 that need no device to be present)"
grep -E '^\[  (FAILED|SKIPPED) \]' "$OUT/tests.log" | head -20 | tee -a "$OUT/summary.log"

compute-sanitizer --tool memcheck --error-exitcode 9 build-device/tests/fdgd_tests --gtest_filter="Backends/SeedExample.*cuda*:Backends/Batch.ChunkedEqualsOneChunk/cuda:Backends/Batch.NonfiniteTrajectories*cuda*:Backends/CustomObjective.*cuda*" >"$OUT/memcheck.log" 2>&1
mem_rc=$?
compute-sanitizer --tool racecheck --error-exitcode 9 build-device/tests/fdgd_tests --gtest_filter="Backends/SeedExample.*cuda*:Backends/Batch.EdgeSizes/cuda" >"$OUT/racecheck.log" 2>&1
race_rc=$?
log "compute-sanitizer memcheck: $(status_of $mem_rc); racecheck: $(status_of $race_rc)"

build-device/fdgd minimize --function styblinski_tang --dim 8 --starts 1e7 --backend cuda --top 3 >"$OUT/cli.txt" 2>&1
cli_rc=$?
log "fdgd minimize on the GPU: $(status_of $cli_rc)"
head -4 "$OUT/cli.txt" | tee -a "$OUT/summary.log"

# --expr on the GPU: first run compiles (NVRTC, fresh cache), second takes the cache; memcheck on it;
# grouping of 1e7 final points on the device.
export FDGD_CACHE_DIR="$OUT/kernel-cache"
rm -rf "$FDGD_CACHE_DIR"
expr_rosenbrock='sum(i=0..d-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)'
for attempt in first cached; do
  build-device/fdgd minimize --expr "$expr_rosenbrock" --dim 16 --box -2:2 --starts 1e6 --lr 1e-3 --backend cuda --json \
    >"$OUT/expr-$attempt.json" 2>>"$OUT/expr.log"
  log "--expr rosenbrock d=16 1e6 starts on the GPU ($attempt): rc $?, $(summary_of "$OUT/expr-$attempt.json" \
    "f'compile {s[\"compile_seconds\"]:.2f} s, run {s[\"seconds\"]:.3f} s'")"
done
compute-sanitizer --tool memcheck --error-exitcode 9 build-device/fdgd minimize --expr "$expr_rosenbrock" --dim 16 --box -2:2 \
  --starts 1e4 --backend cuda >"$OUT/expr-memcheck.log" 2>&1
log "compute-sanitizer memcheck on --expr: $(status_of $?)"
build-device/fdgd minimize --function himmelblau --starts 1e7 --steps 1000 --gtol 1e-10 --backend cuda --json >"$OUT/grouping.json" 2>"$OUT/grouping.log"
log "himmelblau 1e7 on the GPU, grouped there: $(summary_of "$OUT/grouping.json" \
  "f'{s[\"grouped_on\"]}, {len(s[\"minima\"])} minima, {s[\"seconds\"]} s run'")"
build-device/bench/bench_expression --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$OUT/bench_expression.json" 2>>"$OUT/bench.log"
python3 - "$OUT/bench_expression.json" <<'PY' | tee -a "$OUT/summary.log"
import json, sys
rows = {b["run_name"]: b["real_time"] for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
print("\n| --expr vs built-in | built-in ms | --expr ms | ratio | target |\n|---|---|---|---|---|")
for case in ["sphere_d2", "rastrigin_d8"]:
    for where, limit in [("cpu", 3.0), ("cuda", 1.2)]:
        b = [v for k, v in rows.items() if f"{case}_builtin_{where}" in k]
        e = [v for k, v in rows.items() if f"{case}_expr_{where}" in k]
        if b and e:
            print(f"| {case} {where} | {b[0]:.1f} | {e[0]:.1f} | {e[0] / b[0]:.2f}x | <= {limit}x |")
c = [v for k, v in rows.items() if "nvrtc_compile" in k]
if c:
    print(f"| NVRTC compile, rastrigin d=8, sm_90 cubin | | {c[0]:.0f} | | < 2000 ms |")
PY

table="| run | GPU s | CPU s ($(nproc) cores) | GPU vs CPU |\n|---|---|---|---|\n"
for run in "sphere 2 1e7 100 0.01" "rosenbrock 16 1e6 100 0.001" "rastrigin 8 1e6 100 0.001" "ackley 32 1e5 100 0.001"; do
  set -- $run
  gpu_s=$(build-device/bench/fdgd_bench_run $1 $2 $3 $4 $5 1 cuda "$OUT/$1-gpu" 2>>"$OUT/bench.log" | awk '{print $2}')
  cpu_s=$(build-device/bench/fdgd_bench_run $1 $2 $3 $4 $5 1 cpu "$OUT/$1-cpu" 2>>"$OUT/bench.log" | awk '{print $2}')
  ratio=$(python3 -c "print(f'{float(\"$cpu_s\")/float(\"$gpu_s\"):.1f}x')" 2>/dev/null || echo "?")
  table+="| $1 d=$2 N=$3 steps=$4 lr=$5 | $gpu_s | $cpu_s | $ratio |\n"
  rm -f "$OUT/$1-gpu".* "$OUT/$1-cpu".*
done
printf "\n%b" "$table" | tee -a "$OUT/summary.log"
fi

if [ "$PART" = 3 ]; then
# The division by 2h through its reciprocal (fdgd/quotient.hpp): same bits, fewer instructions (by
# the SASS), never timed. Same final points in both builds (built-ins, an any-d run, --expr, f32),
# then the fused sweeps at N = 2^24 side by side.
t0=$(date +%s)
cmake -S . -B build-device-recip -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$cap" \
  -DCMAKE_PREFIX_PATH="$deps/usr" -DFDGD_CUDA_RECIPROCAL_DIVISION=ON >"$OUT/configure-recip.log" 2>&1 &&
  cmake --build build-device-recip -j "$(nproc)" --target fdgd_cli bench_sweep >"$OUT/build-recip.log" 2>&1
recip_rc=$?
log "build with FDGD_CUDA_RECIPROCAL_DIVISION=ON: $(status_of $recip_rc) in $(( $(date +%s) - t0 )) s"
[ $recip_rc -eq 0 ] || { tail -30 "$OUT/build-recip.log"; exit 1; }
export FDGD_CACHE_DIR="$OUT/kernel-cache"
set -f  # the expression's brackets are no glob
for run in "--function sphere --dim 2" "--function rosenbrock --dim 16" "--function rastrigin --dim 8" \
           "--function ackley --dim 32" "--function levy --dim 5" "--function rosenbrock --dim 16 --precision f32" \
           "--expr sum(i=0..d-2,100*(x[i+1]-x[i]^2)^2+(1-x[i])^2) --dim 16 --box -2:2"; do
  runs_rc=0
  for variant in ieee recip; do
    b=build-device; [ $variant = recip ] && b=build-device-recip
    $b/fdgd minimize $run --starts 1e6 --lr 1e-3 --backend cuda --quiet --out "$OUT/points-$variant.npy" >/dev/null \
      2>>"$OUT/recip.log" || runs_rc=$?
  done
  if [ $runs_rc -ne 0 ]; then same="a run FAILED (rc $runs_rc, recip.log)"
  elif cmp -s "$OUT/points-ieee.npy" "$OUT/points-recip.npy"; then same=yes; else same=NO; fi
  log "same bits with and without the reciprocal ($run): $same"
done
set +f
rm -f "$OUT"/points-*.npy
for variant in ieee recip; do
  b=build-device; [ $variant = recip ] && b=build-device-recip
  $b/bench/bench_sweep --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_filter='cuda/(sphere_d2|rosenbrock_d16|rastrigin_d8|ackley_d32)/fused/.*/16777216/' \
    --benchmark_format=json --benchmark_out="$OUT/sweep-$variant.json" >/dev/null 2>>"$OUT/recip.log"
done
python3 - "$OUT/sweep-ieee.json" "$OUT/sweep-recip.json" <<'PY' | tee -a "$OUT/summary.log"
import json, sys
def medians(path):
    return {b["run_name"]: b["real_time"] for b in json.load(open(path))["benchmarks"] if b.get("aggregate_name") == "median"}
ieee, recip = medians(sys.argv[1]), medians(sys.argv[2])
print("\n| fused, N = 2^24 | IEEE `/` ms | reciprocal ms | speedup |\n|---|---|---|---|")
for name in sorted(ieee):
    if name in recip:
        print(f"| {name.split('/')[1]} {name.split('/')[3]} | {ieee[name]:.3f} | {recip[name]:.3f} | {ieee[name] / recip[name]:.2f}x |")
PY
exit 0
fi
[ "$PART" = 1 ] && exit 0

# Issue 5: the roofline's ceilings, the sweep (every CUDA case; the CPU up to 2^18 for the
# crossover), measured over floor, CPU vs GPU with the crossover, and the throughput plot.
build-device/bench/roofline_probe >"$OUT/probe.json" 2>>"$OUT/bench.log"
log "roofline probe: $(cat "$OUT/probe.json")"
# The GPU cases first, each part under its own limit; a part cut by its limit leaves its JSON
# unclosed, so the merge keeps the benchmarks it completed.
timeout 120 build-device/bench/bench_sweep --benchmark_min_time=0.05 --benchmark_filter='cuda/' \
  --benchmark_format=json --benchmark_out="$OUT/sweep-cuda.json" >"$OUT/sweep.log" 2>&1
cuda_rc=$?
timeout 60 build-device/bench/bench_sweep --benchmark_min_time=0.05 --benchmark_filter='cpu/.*/(256|1024|4096|16384|65536|262144)/' \
  --benchmark_format=json --benchmark_out="$OUT/sweep-cpu.json" >>"$OUT/sweep.log" 2>&1
cpu_rc=$?
python3 - "$OUT/sweep.json" "$OUT/sweep-cuda.json" "$OUT/sweep-cpu.json" <<'PY' | tee -a "$OUT/summary.log"
import json, sys
def load(path):
    try:
        text = open(path).read()
    except OSError:
        return {}
    try:
        return json.loads(text)
    except ValueError:  # cut mid-run: keep every benchmark object that was closed
        end = text.rfind("\n    }")
        return json.loads(text[:end + 6] + "\n  ]\n}\n") if end >= 0 else {}
parts = [load(path) for path in sys.argv[2:]]
merged = {"context": next((p["context"] for p in parts if "context" in p), {}),
          "benchmarks": [b for p in parts for b in p.get("benchmarks", [])]}
json.dump(merged, open(sys.argv[1], "w"), indent=1)
print(f"sweep: {len(merged['benchmarks'])} benchmark results kept")
PY
log "sweep: GPU part rc $cuda_rc, CPU part rc $cpu_rc (124: cut at its limit)"
(cd bench && python3 roofline.py "../$OUT/sweep.json" "../$OUT/probe.json") >"$OUT/roofline.md" 2>&1
grep -E "^\| (case \||sphere_d2 \| fused \| f64 \| 2\^24|rosenbrock_d16 \| fused \| f64 \| 2\^24|.*per_launch \| f64 \| 2\^26)" "$OUT/roofline.md" | tee -a "$OUT/summary.log"
python3 bench/cpu_vs_gpu.py "$OUT/sweep.json" >"$OUT/cpu_vs_gpu.md" 2>&1
grep -A1 "GPU faster from" "$OUT/cpu_vs_gpu.md" | head -8 | tee -a "$OUT/summary.log"
python3 bench/plot/throughput.py "$OUT/sweep.json" --out "$OUT/throughput.png" >>"$OUT/bench.log" 2>&1

# Peers on the same GPU: JAX and PyTorch (eager, torch.compile) on fdgd's own starts, N = 10^7.
timeout 300 python3 -u bench/peers/frameworks.py --build build-device --backend cuda --n 1e7 --repeat 3 \
  >"$OUT/peers.md" 2>"$OUT/peers.log"
peers_rc=$?
log "peers: rc $peers_rc$([ $peers_rc = 124 ] && echo ' (cut at 300 s: the rows below are the cases it finished; peers.log has every measurement made)')"
tee -a "$OUT/summary.log" <"$OUT/peers.md"
