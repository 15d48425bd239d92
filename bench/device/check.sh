#!/usr/bin/env bash
# The device check, for a machine with an NVIDIA GPU, in parts that each fit one call of the device
# tool (10 minutes a call, 15 minutes of device time in all, the machine's start included):
#   PART=1  build Release for the GPU present (GoogleTest, Google Benchmark, CLI11, nlohmann/json
#           and fmt from the .deb files that prepare.sh fetched, unpacked into .deps/; nothing is
#           installed system-wide); run every test with ctest, where no CUDA case may skip
#           (FDGD_REQUIRE_CUDA=1 makes them fail instead); compute-sanitizer memcheck and racecheck;
#           the `fdgd` command on the GPU (a built-in; --expr: first compile, then the cache,
#           memcheck; 1e7 final points grouped on the device); --expr against the built-ins
#           (bench_expression); the same runs on the GPU and on every CPU core (fdgd_bench_run).
#   PART=2  the roofline's ceilings (roofline_probe), the batch-size sweep (the issue's target cases
#           first, then the other GPU cases, then the CPU's small N for the crossover), measured over
#           floor, CPU vs GPU, the throughput plot; JAX and PyTorch on the same starts (peers).
#   PART=3  an experiment: FDGD_CUDA_RECIPROCAL_DIVISION=ON beside the plain build, the same bits on
#           the GPU, the fused sweeps of both timed (run on 2026-11-29: 0.87-1.07x, left off).
#   PART=4  the next check's first call: the build, every test (as in part 1, within 150 s); the
#           peers on ackley, JAX and torch.compile (end to end and on the device alone, up to 260 s);
#           experiments on the d = 32 kernels' registers (kernel_variants: the same bits, each
#           variant timed beside the plain build, about a minute) with the time left.
#   PART=5  its second call, at once on the warm machine: GPU against every CPU core at N = 10^7
#           for sphere, rosenbrock and rastrigin; 10^7 scattered final points grouped; memcheck on
#           the store's copies to the host and racecheck; the ceilings and the roofline's target
#           cases (as in part 2) with the time left.
#   PART=all  1 then 2 in one call: everything the device check is for. Measured on an H200 the two
#           took 176 s (2026-11-29, eighth session) and 289 s (tenth): under 8 minutes together.
# Every step runs under a limit drawn from BUDGET_S, the seconds this call may take (with the device
# tool: its timeout_s less 15): a step that would not fit is skipped and says so, one that runs out
# is cut and keeps what it measured. The exit status is 1 where a step failed or was cut, or two builds
# that must agree gave other bits (the summary ends with their lines; a step skipped for want of time
# does not count), 0 otherwise. Usage (device tool), with carry ["bench/device/debs"]:
#   BUDGET_S=<timeout_s - 15> PART=1 bash bench/device/check.sh      then at once, on the warm machine,
#   BUDGET_S=<timeout_s - 15> PART=2 bash bench/device/check.sh
# (The machine stays warm 30 s after a call; part 2 on a fresh one rebuilds only its own targets.)
# A plan for the 15 minutes. Measured on an H200 machine (16 cores) on 2026-11-29: part 1 took 176 s
# (the build 87 s, the tests ~45 s), part 2 289 s, part 3 133 s on a warm machine (its second build
# 53 s). The next check is two calls: PART=4 with timeout_s 600 and BUDGET_S=585 (build ~1.5 min,
# tests ~1, the peers up to 260 s, the kernel variants ~1), then at once (the machine stays warm for
# 30 s: make the call ready beforehand) PART=5 with the device time left less 30 s as timeout_s and
# BUDGET_S that less 15 (the runs at 10^7 ~0.5 min, sanitizers up to 2, ceilings and targets ~1.5);
# a step that would not fit is skipped.
# Parts 1 and 2: timeout_s 420 / BUDGET_S=405, then the budget left less about 30 s.
# Everything is written to $WORK (default bench/device/work); the device tool returns at most 8 files
# from $OUT, so $OUT gets part-<PART>.tgz (all of $WORK but raw point dumps and the kernel cache,
# refreshed after every step, so a call cut short still returns what it did) and summary-<PART>.log.
# The summary (and the markdown tables) is also printed to stdout as it is made.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
started=$(date +%s)
PART="${PART:-all}"
[[ $PART =~ ^([1-5]|all)$ ]] || { echo "PART is 1, 2, 3, 4, 5 or all, not '$PART'"; exit 2; }
BUDGET_S="${BUDGET_S:-86400}"
BUDGET_S=${BUDGET_S%%.*}  # whole seconds: what the device tool reports may have a fraction
[[ $BUDGET_S =~ ^[0-9]+$ ]] || { echo "BUDGET_S must be a number of seconds, not '$BUDGET_S'"; exit 2; }
END=$(( started + BUDGET_S ))
W="${WORK:-bench/device/work}"
mkdir -p "$W"
W=$(cd "$W" && pwd)
if [ -n "${OUT:-}" ]; then mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd); fi
SUMMARY="$W/summary-$PART.log"
FAILURES="$W/failures-$PART.log"  # the summary's lines of steps that failed or were cut: the exit status
: >"$SUMMARY"
: >"$FAILURES"

log() {
  echo "== $*" | tee -a "$SUMMARY"
  case "$*" in *"FAIL (rc "* | *"CUT at its time limit"* | *"BITS DIFFER"*) echo "$*" >>"$FAILURES" ;; esac
}
say() { tee -a "$SUMMARY"; }  # a table or lines for the summary, from stdin
# The rc of a step in words: 124/137 cut by its limit, 200 skipped for want of time.
status_of() {
  case "$1" in
    0) echo pass ;; 124 | 137) echo "CUT at its time limit" ;; 200) echo "SKIPPED (no time left in BUDGET_S)" ;;
    *) echo "FAIL (rc $1)" ;;
  esac
}
# within CAP MIN cmd...: runs cmd under min(CAP, what the budget leaves less 20 s for packing);
# returns 200 without running it when less than MIN seconds would remain.
within() {
  local cap=$1 min=$2 left=$(( END - $(date +%s) - 20 ))
  shift 2
  [ "$left" -ge "$min" ] || return 200
  timeout -k 5 "$(( left < cap ? left : cap ))" "$@"
}
# Refreshes what the device tool brings back; run after every step.
pack() {
  [ -n "${OUT:-}" ] && [ "$OUT" != "$W" ] || return 0
  tar czf "$OUT/part-$PART.tgz.tmp" -C "$W" --exclude='*.starts' --exclude='*.x' --exclude='*.npy' \
    --exclude='kernel-cache' --exclude='*.tgz' --exclude='*.bin' . 2>/dev/null && mv -f "$OUT/part-$PART.tgz.tmp" "$OUT/part-$PART.tgz"
  cp -f "$SUMMARY" "$OUT/summary-$PART.log"
}
# The Python expression $2 over the JSON summary s in file $1; one line saying so where there is none.
summary_of() { python3 -c 'import json, sys; s = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null ||
  echo "no JSON summary in $1 (the run's error is in the log beside it)"; }

nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,clocks.max.mem,memory.total --format=csv >"$W/gpu.csv" 2>&1 ||
  { log "no GPU here (nvidia-smi: $(head -c 200 "$W/gpu.csv"))"; pack; exit 1; }
nvcc_path=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null) || { log "no nvcc here"; pack; exit 1; }
cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d ' .')
[[ $cap =~ ^[0-9]+$ ]] || { echo "nvidia-smi gave no compute capability ('$cap'): building for sm_90"; cap=90; }
sanitizer=$(command -v compute-sanitizer || echo "$(dirname "$nvcc_path")/compute-sanitizer")
log "part $PART, budget ${BUDGET_S} s; GPU: $(sed -n 2p "$W/gpu.csv") (sm_$cap), $(nproc) CPU cores, $("$nvcc_path" --version | tail -1)"

deps="$PWD/.deps"
mkdir -p "$deps"
compgen -G 'bench/device/debs/*.deb' >/dev/null ||
  { log "no .deb files in bench/device/debs: run bench/device/prepare.sh here, and carry bench/device/debs"; pack; exit 1; }
for deb in bench/device/debs/*.deb; do
  if command -v dpkg >/dev/null; then dpkg -x "$deb" "$deps"; else (cd "$deps" && ar p "$OLDPWD/$deb" data.tar.xz | tar xJ); fi
done
export LD_LIBRARY_PATH="$deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}"

# A digest of the sources a build reads, which build() leaves in DIR/.tree: PART=5 keeps PART=4's
# build only where the tree is still the one it was built from.
tree_digest() {
  find CMakeLists.txt CMakePresets.json cmake examples include kernels host tests bench -type f \
    ! -path 'bench/device/work/*' ! -path 'bench/device/debs/*' ! -path '*/__pycache__/*' 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16
}

# build DIR LOG [cmake options] [-- targets]: configures and builds; a failure prints its log's end.
build() {
  local dir=$1 name=$2 t0 rc targets=()
  shift 2
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ $# -gt 0 ] && { shift; targets=(--target "$@"); }
  t0=$(date +%s)
  within 120 20 cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_COMPILER="$nvcc_path" \
    -DCMAKE_CUDA_ARCHITECTURES="$cap" -DCMAKE_PREFIX_PATH="$deps/usr" "${opts[@]}" >"$W/configure-$name.log" 2>&1
  rc=$?
  if [ $rc -eq 0 ] && ! grep -q '^CMAKE_CUDA_COMPILER:.*nvcc' "$dir/CMakeCache.txt"; then
    echo "CMake found no CUDA compiler" >>"$W/configure-$name.log"; rc=1
  fi
  if [ $rc -eq 0 ]; then
    within 420 30 cmake --build "$dir" -j "$(nproc)" "${targets[@]}" >"$W/build-$name.log" 2>&1
    rc=$?
  fi
  if [ $rc -eq 0 ] && [ ${#targets[@]} -eq 0 ]; then tree_digest >"$dir/.tree"; else rm -f "$dir/.tree"; fi
  log "build $name: $(status_of $rc) in $(( $(date +%s) - t0 )) s"
  [ $rc -eq 0 ] || tail -n 30 "$W/configure-$name.log" "$W/build-$name.log" 2>/dev/null
  pack
  return $rc
}

# Every test (the fuzzer aside: it needs no GPU and CI runs it), none of the CUDA cases skipped;
# 4 at a time with 4 OpenMP threads each, so that the CPU's threads do not crowd the cores.
# Capped at $1 s (default 300) for the whole suite: gtest_discover_tests gives each case a TIMEOUT of
# its own, which ctest's --timeout does not override.
run_tests() {
  (cd build-device && OMP_NUM_THREADS=4 FDGD_REQUIRE_CUDA=1 within "${1:-300}" 30 ctest -j 4 -E '^fuzz\.' \
    --output-on-failure --output-junit "$W/tests.xml") >"$W/tests.log" 2>&1
  local rc=$?
  log "tests: $(status_of $rc); $(grep -E 'tests passed|tests failed' "$W/tests.log" | tail -1)"
  log "skipped: $(grep -c '\*\*\*Skipped' "$W/tests.log") (expected: only the 2 that need no device to be present)"
  grep -E '\*\*\*(Failed|Skipped|Timeout|Exception)|Not Run' "$W/tests.log" | head -20 | say
  pack
}

# sanitize TOOL CAP FILTER: compute-sanitizer's TOOL over the tests FILTER picks, none skipped, under a
# limit of CAP s; its log in $W/TOOL.log, its rc (9 for an error found) returned.
sanitize() {
  FDGD_REQUIRE_CUDA=1 within "$2" 20 "$sanitizer" --tool "$1" --error-exitcode 9 build-device/tests/fdgd_tests \
    --gtest_filter="$3" >"$W/$1.log" 2>&1
}

part1() {
  # A warm machine keeps bench/device/work from an earlier call: no step may report an old file.
  rm -f "$W"/tests.* "$W"/memcheck.log "$W"/racecheck.log "$W"/cli.txt "$W"/expr* "$W"/builtin-d200.json "$W"/grouping.* "$W"/bench_expression.* \
    "$W"/bench_run.log
  build build-device plain || exit 1
  run_tests

  sanitize memcheck 150 "Backends/SeedExample.*cuda*:Backends/Batch.ChunkedEqualsOneChunk/cuda:Backends/Batch.NonfiniteTrajectories*cuda*:Backends/CustomObjective.*cuda*"
  local mem_rc=$?
  sanitize racecheck 90 "Backends/SeedExample.*cuda*:Backends/Batch.EdgeSizes/cuda"
  local race_rc=$?
  log "compute-sanitizer memcheck: $(status_of $mem_rc); racecheck: $(status_of $race_rc)"
  pack

  within 60 10 build-device/fdgd minimize --function styblinski_tang --dim 8 --starts 1e7 --backend cuda --top 3 >"$W/cli.txt" 2>&1
  log "fdgd minimize on the GPU: $(status_of $?)"
  head -4 "$W/cli.txt" | say

  # --expr on the GPU: the first run compiles (NVRTC, fresh cache), the second takes the cache.
  export FDGD_CACHE_DIR="$W/kernel-cache"
  rm -rf "$FDGD_CACHE_DIR"
  local expr_rosenbrock='sum(i=0..d-2, 100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2)' attempt
  for attempt in first cached; do
    within 90 10 build-device/fdgd minimize --expr "$expr_rosenbrock" --dim 16 --box -2:2 --starts 1e6 --lr 1e-4 \
      --backend cuda --json >"$W/expr-$attempt.json" 2>>"$W/expr.log"
    log "--expr rosenbrock d=16 1e6 starts on the GPU ($attempt): $(status_of $?), $(summary_of "$W/expr-$attempt.json" \
      "f'compile {s[\"compile_seconds\"]:.2f} s, run {s[\"seconds\"]:.3f} s'")"
  done
  within 90 10 "$sanitizer" --tool memcheck --error-exitcode 9 build-device/fdgd minimize --expr "$expr_rosenbrock" \
    --dim 16 --box -2:2 --starts 1e4 --lr 1e-4 --backend cuda >"$W/expr-memcheck.log" 2>&1
  log "compute-sanitizer memcheck on --expr: $(status_of $?)"
  # Above d = 64 the generated sums are loops: their compile, and their run beside the built-in's.
  local d200=(--dim 200 --box -2:2 --starts 1e5 --lr 1e-4 --backend cuda --json) d200_fields
  d200_fields="f'compile {s[\"compile_seconds\"]:.2f} s, run {s[\"seconds\"]:.3f} s, best f {s[\"best\"][\"f\"]:.6g}'"
  within 60 10 build-device/fdgd minimize --expr "$expr_rosenbrock" "${d200[@]}" >"$W/expr-d200.json" 2>>"$W/expr.log"
  log "--expr rosenbrock d=200 1e5 starts on the GPU: $(status_of $?), $(summary_of "$W/expr-d200.json" "$d200_fields")"
  within 60 10 build-device/fdgd minimize --function rosenbrock "${d200[@]}" >"$W/builtin-d200.json" 2>>"$W/expr.log"
  log "built-in rosenbrock d=200, the same starts: $(status_of $?), $(summary_of "$W/builtin-d200.json" "$d200_fields")"
  within 90 10 build-device/fdgd minimize --function himmelblau --starts 1e7 --steps 1000 --gtol 1e-10 --backend cuda \
    --json >"$W/grouping.json" 2>"$W/grouping.log"
  log "himmelblau 1e7 on the GPU, grouped there: $(status_of $?), $(summary_of "$W/grouping.json" \
    "f'{s[\"grouped_on\"]}, {len(s[\"minima\"])} minima, {s[\"seconds\"]} s run, grouping {s[\"grouping_seconds\"]:.3f} s'")"
  pack

  within 150 30 build-device/bench/bench_expression --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_format=json --benchmark_out="$W/bench_expression.json" >"$W/bench_expression.log" 2>&1
  log "bench_expression: $(status_of $?)"
  python3 - "$W/bench_expression.json" <<'PY' 2>&1 | say
import json, sys
try:
    rows = {b["run_name"]: b["real_time"] for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
except (OSError, ValueError, KeyError) as e:
    sys.exit(f"no bench_expression results ({type(e).__name__})")
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
  pack

  # The same runs on the GPU and on every core (rosenbrock at lr 1e-4: at 1e-3 its descent diverges
  # in the box's corners and trajectories stop early).
  gpu_vs_cpu "sphere 2 1e7 100 0.01" "rosenbrock 16 1e6 100 0.0001" "rastrigin 8 1e6 100 0.001" "ackley 32 1e5 100 0.001"
}

# gpu_vs_cpu "FUNCTION DIM N STEPS LR"...: each run on the GPU and on every core (fdgd_bench_run),
# end to end and the descent alone (result::descent_seconds), with the CPU/GPU ratios, as a table.
gpu_vs_cpu() {
  local table run gpu cpu
  table="| run | GPU s (descent) | CPU s, $(nproc) cores (descent) | GPU vs CPU (descents) |\n|---|---|---|---|\n"
  for run in "$@"; do
    set -- $run
    gpu=$(within 60 5 build-device/bench/fdgd_bench_run "$1" "$2" "$3" "$4" "$5" 1 cuda - 2>>"$W/bench_run.log" | awk '{print $2, $4}') ||
      log "fdgd_bench_run $run on the GPU: $(status_of $?) (bench_run.log)"
    cpu=$(within 120 5 build-device/bench/fdgd_bench_run "$1" "$2" "$3" "$4" "$5" 1 cpu - 2>>"$W/bench_run.log" | awk '{print $2, $4}') ||
      log "fdgd_bench_run $run on the CPU: $(status_of $?) (bench_run.log)"
    table+=$(python3 - "$run" "$gpu" "$cpu" <<'PY'
import sys
run, gpu, cpu = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
f, d, n, steps, lr = run.split()
cell = lambda t: f"{float(t[0]):.4f} ({float(t[1]):.4f})" if len(t) == 2 else "?"
ratio = f"{float(cpu[0]) / float(gpu[0]):.1f}x ({float(cpu[1]) / float(gpu[1]):.1f}x)" if len(gpu) == len(cpu) == 2 else "?"
print(f"| {f} d={d} N={n} steps={steps} lr={lr} | {cell(gpu)} | {cell(cpu)} | {ratio} |")
PY
)"\n"
  done
  printf "\n%b" "$table" | say
  pack
}

# The rc of a sweep into the JSON $1 that exited with rc $2: 1 where it exited 0 yet no benchmark ran
# or one failed (bench_sweep exits 0 when its benchmarks report errors).
sweep_rc() {
  [ "$2" -eq 0 ] || return "$2"
  python3 -c 'import json, sys; b = json.load(open(sys.argv[1])).get("benchmarks", [])
sys.exit(0 if b and not any(x.get("error_occurred") for x in b) else 1)' "$1" 2>/dev/null
}

# The roofline's ceilings (roofline_probe), then the issue's target cases (fused f64 sphere and
# rosenbrock, one step per launch at N >= 2^24; 3 repetitions) into sweep-targets.json; returns the
# sweep's rc.
target_cases='^cuda/((sphere_d2|rosenbrock_d16)/fused/f64/16777216|[a-z_0-9]+/per_launch/f64/(16777216|67108864))/'
probe_and_targets() {
  within 90 15 build-device/bench/roofline_probe >"$W/probe.json" 2>"$W/probe.log"
  log "roofline probe: $(status_of $?): $(cat "$W/probe.json")"
  # The least time any run returning 10^7 sphere d = 2 results can take: x, f, grad_norm, steps,
  # status are 41 bytes a trajectory.
  python3 - "$W/probe.json" <<'PY' 2>&1 | tail -1 | say
import json, sys
try:
    p = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit("no copy-back figure: roofline_probe gave no JSON (probe.log says why)")
b, pageable, pinned = 1e7 * 41, p["d2h_pageable_bytes_per_s"], p["d2h_pinned_bytes_per_s"]
print(f"copying back 10^7 sphere d=2 results ({b / 1e6:.0f} MB) takes {b / pageable * 1e3:.1f} ms into pageable memory "
      f"({pageable / 1e9:.1f} GB/s), {b / pinned * 1e3:.1f} ms into pinned ({pinned / 1e9:.1f} GB/s)")
PY
  pack
  within 90 15 build-device/bench/bench_sweep --benchmark_filter="$target_cases" --benchmark_repetitions=3 \
    --benchmark_format=json --benchmark_out="$W/sweep-targets.json" >>"$W/sweep.log" 2>&1
  sweep_rc "$W/sweep-targets.json" $?
}

# merge_sweeps OUT IN...: the benchmarks of Google Benchmark JSON files IN into OUT, keeping those of a
# file cut mid-run (every benchmark object that was closed), and a line saying how many.
merge_sweeps() {
  python3 - "$@" <<'PY' 2>&1 | say
import json, sys
sys.path.insert(0, "bench")
from script_io import load_json
sys.argv[0] = "check.sh"  # for the note on a cut file
def load(path):
    try:
        return load_json(path, cut_benchmarks_ok=True)  # cut mid-run: every benchmark object that was closed
    except (OSError, ValueError):
        return {}
parts = [load(path) for path in sys.argv[2:]]
merged = {"context": next((p["context"] for p in parts if "context" in p), {}),
          "benchmarks": [b for p in parts for b in p.get("benchmarks", [])]}
json.dump(merged, open(sys.argv[1], "w"), indent=1)
failed = [b for b in merged["benchmarks"] if b.get("error_occurred")]
print(f"sweep: {len(merged['benchmarks'])} benchmark results kept, {len(failed)} of them failed" +
      (f" (first: {failed[0]['name']}: {failed[0].get('error_message', '?')})" if failed else ""))
PY
}

# The target rows of roofline.py's table for the sweep JSON $1 (measured over floor), into the summary.
roofline_table() {
  local md
  md="$W/roofline-$(basename "$1" .json).md"
  python3 bench/roofline.py "$1" "$W/probe.json" >"$md" 2>&1 || log "roofline.py: $(status_of $?) ($(basename "$md"))"
  grep -E "^(\|---)+\|$|^\| (case \||sphere_d2 \| fused \| f64 \| 2\^24|rosenbrock_d16 \| fused \| f64 \| 2\^24|.*per_launch \| f64 \| 2\^2[46])" "$md" | say ||
    echo "no roofline rows: $(tail -1 "$md")" | say
}

part2() {
  rm -f "$W"/probe.* "$W"/sweep* "$W"/roofline*.md "$W"/cpu_vs_gpu.md "$W"/throughput.png "$W"/plot.log "$W"/peers.log
  build build-device plain -- bench_sweep roofline_probe fdgd_bench_run || exit 1
  probe_and_targets
  local targets_rc=$?
  within 120 15 build-device/bench/bench_sweep --benchmark_min_time=0.05 \
    --benchmark_filter="-^(cpu/|${target_cases#^})" \
    --benchmark_format=json --benchmark_out="$W/sweep-cuda.json" >>"$W/sweep.log" 2>&1
  sweep_rc "$W/sweep-cuda.json" $?
  local cuda_rc=$?
  within 45 10 build-device/bench/bench_sweep --benchmark_min_time=0.05 --benchmark_filter='^cpu/.*/(256|1024|4096|16384|65536|262144)/' \
    --benchmark_format=json --benchmark_out="$W/sweep-cpu.json" >>"$W/sweep.log" 2>&1
  sweep_rc "$W/sweep-cpu.json" $?
  local cpu_rc=$?
  merge_sweeps "$W/sweep.json" "$W/sweep-targets.json" "$W/sweep-cuda.json" "$W/sweep-cpu.json"
  log "sweep: target cases $(status_of $targets_rc), other GPU cases $(status_of $cuda_rc), CPU cases $(status_of $cpu_rc)"
  roofline_table "$W/sweep.json"
  python3 bench/cpu_vs_gpu.py "$W/sweep.json" >"$W/cpu_vs_gpu.md" 2>&1 || log "cpu_vs_gpu.py: $(status_of $?) (cpu_vs_gpu.md)"
  grep -E "^### |GPU faster from|no GPU rows|GPU rows of this case failed" "$W/cpu_vs_gpu.md" | paste - - | grep f64 | say
  within 60 10 python3 bench/plot/throughput.py "$W/sweep.json" --out "$W/throughput.png" >>"$W/plot.log" 2>&1 ||
    log "throughput plot: $(status_of $?) (plot.log)"
  pack

  # Peers on the same GPU: JAX, torch.compile, PyTorch eager on fdgd's own starts, N = 10^7. Every
  # measurement is printed as it is made; a cut prints the table of what was measured.
  log "peers (JAX, PyTorch) at N = 1e7, $(( END - $(date +%s) - 20 )) s left:"
  # Its own --seconds within the step's limit, so that a cut still shares the time among the peers.
  local peer_s=$(( END - $(date +%s) - 35 ))
  within 400 60 python3 -u bench/peers/frameworks.py --build build-device --backend cuda --n 1e7 --repeat 3 \
    --seconds $(( peer_s < 385 ? peer_s : 385 )) 2>&1 | tee "$W/peers.log"
  local peers_rc=${PIPESTATUS[0]}
  log "peers: $(status_of $peers_rc)"
  grep -E '^\|' "$W/peers.log" >>"$SUMMARY"
  pack
}

# same_bits LOG BUILD_A BUILD_B RUN...: `fdgd minimize RUN` on 10^6 starts from both builds, one line
# each saying whether their final points are the same bytes.
same_bits() {
  local log_name=$1 a=$2 b=$3 run bld rc same
  shift 3
  export FDGD_CACHE_DIR="$W/kernel-cache"
  set -f  # an expression's brackets are no glob
  for run in "$@"; do
    rc=0
    for bld in "$a" "$b"; do
      within 60 10 $bld/fdgd minimize $run --starts 1e6 --lr 1e-4 --backend cuda --quiet --out "$W/points-$bld.npy" \
        >/dev/null 2>>"$W/$log_name.log" || rc=$?
    done
    if [ $rc -ne 0 ]; then same="a run did not complete: $(status_of $rc) ($log_name.log)"
    elif cmp -s "$W/points-$a.npy" "$W/points-$b.npy"; then same=yes; else same="NO, the BITS DIFFER"; fi
    log "same bits from $a and $b ($run): $same"
  done
  set +f
  rm -f "$W"/points-*.npy
  pack
}

# time_builds FILTER LABEL_A BUILD_A LABEL_B BUILD_B: bench_sweep's cases FILTER from both builds
# (medians of 3, into sweep-LABEL.json), and a table of the two.
time_builds() {
  local filter=$1 label bld
  for label in "$2" "$4"; do
    bld=$3; [ "$label" = "$4" ] && bld=$5
    within 120 15 $bld/bench/bench_sweep --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
      --benchmark_filter="$filter" --benchmark_format=json --benchmark_out="$W/sweep-$label.json" >/dev/null 2>>"$W/sweep.log"
    log "sweep, $label: $(status_of $?)"
  done
  python3 - "$W/sweep-$2.json" "$W/sweep-$4.json" "$2" "$4" <<'PY' 2>&1 | say
import json, sys
def medians(path):
    return {b["run_name"]: b["real_time"] for b in json.load(open(path))["benchmarks"] if b.get("aggregate_name") == "median"}
try:
    a, b = medians(sys.argv[1]), medians(sys.argv[2])
except (OSError, ValueError, KeyError) as e:
    sys.exit(f"no results from both sweeps ({type(e).__name__})")
print(f"\n| case | {sys.argv[3]} ms | {sys.argv[4]} ms | speedup |\n|---|---|---|---|")
for name in sorted(a):
    if name in b:
        case, mode, prec, n = name.split("/")[1:5]
        print(f"| {case} {mode} {prec} N={n} | {a[name]:.3f} | {b[name]:.3f} | {a[name] / b[name]:.2f}x |")
PY
  pack
}

# kernel_variants N: bench/device/kernel_variants.cu built once per variant (nvcc alone, all at once:
# seconds), each run on N trajectories; a table of every d = 32 kernel's registers, resident warps and
# time per variant against the plain build, and whether its final points have the plain build's bits.
kernel_variants() {
  local n=$1 v
  local -A flags=([plain]="" [ordered]="-DFDGD_CUDA_ORDERED_TERMS" [capped-168]="-maxrregcount=168"
    [ordered-capped-168]="-DFDGD_CUDA_ORDERED_TERMS -maxrregcount=168" [recip]="-DFDGD_CUDA_RECIPROCAL_DIVISION"
    [ordered-recip]="-DFDGD_CUDA_ORDERED_TERMS -DFDGD_CUDA_RECIPROCAL_DIVISION" [slim]="-DFDGD_CUDA_SLIM_TERMS"
    [slim-capped-168]="-DFDGD_CUDA_SLIM_TERMS -maxrregcount=168")
  local order=(plain ordered capped-168 ordered-capped-168 recip ordered-recip slim slim-capped-168)
  rm -f "$W"/kv-*
  for v in "${order[@]}"; do
    # shellcheck disable=SC2086  # the flags are words
    { within 180 30 "$nvcc_path" -O3 -arch="sm_$cap" -fmad=false -std=c++17 -Iinclude ${flags[$v]} \
        bench/device/kernel_variants.cu -o "$W/kv-$v.bin" >"$W/kv-$v.build.log" 2>&1; echo $? >"$W/kv-$v.rc"; } &
  done
  wait
  for v in "${order[@]}"; do
    [ "$(cat "$W/kv-$v.rc")" = 0 ] || { log "kernel variant $v: build $(status_of "$(cat "$W/kv-$v.rc")") ($(tail -1 "$W/kv-$v.build.log"))"; continue; }
    within 120 15 "$W/kv-$v.bin" "$n" >"$W/kv-$v.jsonl" 2>>"$W/kv-$v.build.log"
    log "kernel variant $v: $(status_of $?)"
  done
  python3 - "$W" "${order[@]}" <<'PY' 2>&1 | say
# Exits 3 where a variant's final points are not the plain build's: a register cap or an order of
# instructions must not change the bits, and the check then fails.
import json, os, sys
w, order = sys.argv[1], sys.argv[2:]
runs = {}
for v in order:  # a run that failed wrote nothing; one cut short keeps the lines it finished
    try:
        lines = open(os.path.join(w, f"kv-{v}.jsonl")).read().splitlines()
    except OSError:
        continue
    rows = {}
    for line in lines:
        try:
            r = json.loads(line)
            rows[r["function"]] = r
        except (ValueError, KeyError, TypeError):
            pass
    if rows:
        runs[v] = rows
if "plain" not in runs:
    sys.exit("no kernel variant results from the plain build (its run failed or was skipped: kv-plain.build.log)")
print("\nEach cell: registers / local bytes (spills) / warps an SM, median of 3 fused launches of 100 steps,")
print("and the speedup over the plain build (BITS DIFFER where the final points are not the plain build's).")
print("\n| d=32 f64 | " + " | ".join(v for v in order if v in runs) + " |")
print("|---" * (1 + len(runs)) + "|")
differ = 0
for name, base in runs["plain"].items():
    cells = []
    for v in order:
        if v not in runs:
            continue
        r = runs[v].get(name)
        if r is None:
            cells.append("-")
            continue
        ms = sorted(r["ms"])[1]
        cell = f"{r['registers']} / {r['local_bytes']} B / {r['warps_per_sm']} w: {ms:.2f} ms"
        if v != "plain":
            cell += f" ({sorted(base['ms'])[1] / ms:.2f}x{'' if r['hash'] == base['hash'] else ', BITS DIFFER'})"
            differ += r["hash"] != base["hash"]
        cells.append(cell)
    print(f"| {name} | " + " | ".join(cells) + " |")
sys.exit(3 if differ else 0)
PY
  local table_rc=${PIPESTATUS[0]}
  if [ "$table_rc" = 3 ]; then log "kernel variants: the BITS DIFFER from the plain build's in some cells of the table above"
  elif [ "$table_rc" != 0 ]; then log "kernel variants' table: $(status_of "$table_rc")"; fi
  pack
}

part3() {
  rm -f "$W"/sweep-ieee.json "$W"/sweep-recip.json "$W"/recip.log "$W"/points-*.npy
  build build-device plain -- fdgd_cli bench_sweep || exit 1
  build build-device-recip recip -DFDGD_CUDA_RECIPROCAL_DIVISION=ON -- fdgd_cli bench_sweep || exit 1
  same_bits recip build-device build-device-recip "--function sphere --dim 2" "--function rosenbrock --dim 16" \
    "--function rastrigin --dim 8" "--function ackley --dim 32" "--function levy --dim 5" \
    "--function rosenbrock --dim 16 --precision f32" \
    "--expr sum(i=0..d-2,100*(x[i+1]-x[i]^2)^2+(1-x[i])^2) --dim 16 --box -2:2"
  time_builds '^cuda/(sphere_d2|rosenbrock_d16|rastrigin_d8|ackley_d32)/fused/.*/16777216/' ieee build-device recip build-device-recip
}

part4() {
  # A warm machine keeps earlier parts' files: none may travel in part-4.tgz as if this part made it.
  find "$W" -maxdepth 1 -type f ! -name 'summary-4.log' ! -name gpu.csv -delete
  build build-device plain || exit 1
  run_tests 150
  # The peers on ackley: cut for time in both earlier checks, the last figure issue 5 lacks. JAX and
  # torch.compile (eager, certainly not the best peer, would take a minute a run), each half of up
  # to 260 s, leaving at least 60 s for the kernel variants after them.
  local left=$(( END - $(date +%s) - 20 )) peers_rc=200
  local share=$(( left - 75 < 260 ? left - 75 : 260 ))
  if [ "$share" -ge 60 ]; then
    log "peers (JAX, torch.compile) at N = 1e7 on ackley, $share s of the $left s left:"
    within $(( share + 15 )) 60 python3 -u bench/peers/frameworks.py --build build-device --backend cuda --n 1e7 --repeat 2 \
      --cases ackley --peers jax,torch.compile --seconds "$share" 2>&1 | tee "$W/peers.log"
    peers_rc=${PIPESTATUS[0]}
  fi
  log "peers: $(status_of $peers_rc)"
  grep -E '^\|' "$W/peers.log" >>"$SUMMARY" 2>/dev/null
  pack
  # Ackley d = 32 ran at 3.2x the floor of its work (fused), with 236 registers: 8 warps an SM, as
  # for every d = 32 kernel above 168 registers (sphere, rosenbrock and styblinski_tang at 255, with
  # spills). The experiments, one small build each: the gradient's coordinates kept in order
  # (FDGD_CUDA_ORDERED_TERMS: sphere 162 registers in ptxas), a cap of 168 registers (12 warps,
  # spilling), both, the reciprocal division with and without the order (rosenbrock: 166), and
  # ackley's squares had again instead of kept (FDGD_CUDA_SLIM_TERMS: 182), alone and capped.
  kernel_variants 1048576
}

part5() {
  # The rest of the next check, for a second call at once on the machine PART=4 left warm (on a
  # fresh one the build comes first): the runs at 10^7, the sanitizers, the roofline's targets, the
  # likely shortest first (about 200 s of device time are left after PART=4).
  find "$W" -maxdepth 1 -type f ! -name 'summary-5.log' ! -name gpu.csv ! -name 'part-4.tgz' -delete
  # PART=4's whole build, of this same tree, is kept as it is: the tool's fresh copy of the sources may
  # carry new times, and ninja would spend a minute and a half of this call rebuilding it all.
  if [ -f build-device/.tree ] && [ "$(cat build-device/.tree)" = "$(tree_digest)" ]; then
    log "build: PART=4's, of this same tree, kept"
  else  # what this part runs alone: a third of the whole build
    build build-device plain -- fdgd_cli fdgd_bench_run fdgd_tests bench_sweep roofline_probe || exit 1
  fi
  # End to end with the result's pages touched while the device descends (detail::background_fill;
  # 2026-11-29, tenth session, before it: 0.0501, 0.2286 and 0.1667 s on the GPU, descents 0.0031,
  # 0.0629 and 0.0735 s).
  gpu_vs_cpu "sphere 2 1e7 100 0.01" "rosenbrock 16 1e7 100 0.0001" "rastrigin 8 1e7 100 0.001"
  # Grouping 10^7 scattered final points (rastrigin d = 8 ends in as many minima as starts): the cells
  # and, since the thirteenth session, the joins of the d shifted grids (d sorts of the cells' hashes)
  # on the device, the union on the host (on this CPU, 10^6 such points: 0.51-0.58 s on 2 cores).
  within 60 10 build-device/fdgd minimize --function rastrigin --dim 8 --starts 1e7 --lr 1e-3 --backend cuda --quiet \
    --json >"$W/grouping-scattered.json" 2>"$W/grouping-scattered.log"
  log "rastrigin d=8 1e7 on the GPU, grouped: $(status_of $?), $(summary_of "$W/grouping-scattered.json" \
    "f'{s[\"grouped_on\"]}, {s[\"minima_total\"]} minima, run {s[\"seconds\"]:.3f} s (descent {s[\"descent_seconds\"]:.4f} s), grouping {s[\"grouping_seconds\"]:.3f} s'")"
  pack
  sanitize memcheck 75 "CudaAgainstCpu.RowsBeyondOnePieceLandInPlace:Backends/SeedExample.*cuda*:Backends/Batch.ChunkedEqualsOneChunk/cuda:Backends/CustomObjective.GradNorm*cuda*:Backends/CustomObjective.NoMinimum*cuda*"
  local mem_rc=$?
  sanitize racecheck 45 "Backends/SeedExample.*cuda*:Backends/Batch.EdgeSizes/cuda"
  local race_rc=$?
  log "compute-sanitizer memcheck (store, chunks, the final status and |grad|): $(status_of $mem_rc); racecheck: $(status_of $race_rc)"
  pack
  # The roofline's target cases again, as time allows (2026-11-29, tenth session: sphere fused
  # 1.49x F, rosenbrock fused 0.50x; per launch 88% and 72% of copy bandwidth).
  probe_and_targets
  log "sweep, target cases: $(status_of $?)"
  merge_sweeps "$W/sweep.json" "$W/sweep-targets.json"
  roofline_table "$W/sweep.json"
}

case "$PART" in
  1) part1 ;; 2) part2 ;; 3) part3 ;; 4) part4 ;; 5) part5 ;; all) part1; part2 ;;
  *) echo "PART is 1, 2, 3, 4, 5 or all"; exit 2 ;;
esac
log "part $PART done in $(( $(date +%s) - started )) s"
# Skipped steps (no time left) are by design; a step that failed or was cut makes the check fail.
if [ -s "$FAILURES" ]; then
  { echo "== part $PART: $(wc -l <"$FAILURES") step(s) failed or were cut:"; sed 's/^/   /' "$FAILURES"; } | say
  pack
  exit 1
fi
pack
