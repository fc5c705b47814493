#!/usr/bin/env bash
# Builds ktstr's libFuzzer targets (fuzz/) with Debian's clang-19, ASan and
# UBSan, and runs each for SECONDS over its corpus (seeds from fuzz/seeds
# and from the real encoders, plus /bin/true for the ELF readers).
#   scripts/fuzz.sh [SECONDS] [BUILD_DIR]    default: 5 s each, build/fuzz
# A crash, leak or sanitizer report fails the script and leaves the input
# as BUILD_DIR/<target>-crash-*. Prints executions per target.
# Long run (the figures in the README): one target at a time, niced, up to
# a number of executions:
#   KTSTR_FUZZ_TARGETS=fuzz_scenario KTSTR_FUZZ_RUNS=10000000 nice -n 19 scripts/fuzz.sh 3600
# KTSTR_FUZZ_MAX_LEN caps the input size (default 65536; scenario files are
# small, 8192 keeps that target's executions fast).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
build=$(realpath -m "${2:-build/fuzz}")
root=$PWD
CXX=${KTSTR_FUZZ_CXX:-clang++-19}
command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (scripts/bootstrap-bpf.sh installs clang-19)" >&2; exit 2; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
if [ ! -f "$build/build.ninja" ]; then
  cmake -S fuzz -B "$build" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" "${launcher[@]}" >/dev/null
fi
if ! nice cmake --build "$build" -j "${KTSTR_FUZZ_JOBS:-2}" >"$build/build.log" 2>&1; then
  grep -E "error|FAILED" "$build/build.log" | head -20 >&2
  echo "fuzz: build failed (log: $build/build.log)" >&2
  exit 2
fi
"$build/make_seeds" "$build/seeds"
status=0
for bin in "$build"/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  if [ -n "${KTSTR_FUZZ_TARGETS:-}" ] && [[ " $KTSTR_FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
  corpus="$build/corpus/$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "fuzz/seeds/$name" ] && seeds+=("$root/fuzz/seeds/$name")
  [ -d "$build/seeds/$name" ] && seeds+=("$build/seeds/$name")
  if [ "$name" = fuzz_elf ]; then mkdir -p "$build/seeds/fuzz_elf" && cp /bin/true "$build/seeds/fuzz_elf/"; seeds+=("$build/seeds/fuzz_elf"); fi
  log="$build/$name.log"
  if (cd "$build" && ASAN_OPTIONS=detect_leaks=1 "./$name" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$name-" -max_len="${KTSTR_FUZZ_MAX_LEN:-65536}" -rss_limit_mb=1024 \
        ${KTSTR_FUZZ_RUNS:+-runs=$KTSTR_FUZZ_RUNS} "corpus/$name" "${seeds[@]}") >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    echo "fuzz: $name: $runs executions (limit ${seconds}s${KTSTR_FUZZ_RUNS:+ or $KTSTR_FUZZ_RUNS runs}), 0 crashes"
  else
    echo "fuzz: $name FAILED (log: $log)" >&2
    grep -E "ERROR|runtime error|SUMMARY" "$log" | head -5 >&2
    status=1
  fi
done
exit $status
