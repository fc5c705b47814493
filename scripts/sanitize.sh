#!/usr/bin/env bash
# Builds the unit tests with ASan + UBSan (-DKTSTR_SANITIZE=ON) in
# build-asan/ and runs them; any sanitizer report fails the test it is in.
#   scripts/sanitize.sh [BUILD_DIR]
# Debug (-O0): the sanitizers find the same bugs without the optimiser, the
# build is much cheaper on 2 cores, and assert()s stay on.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
# Unity batches: the Debug build from scratch costs a third of the CPU.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DKTSTR_SANITIZE=ON -DKTSTR_UNITY_BUILD=ON "${launcher[@]}" >/dev/null
targets=$(cd tests/unit && ls -d */ | tr -d / | sed 's/^/unit_/')
# shellcheck disable=SC2086
nice cmake --build "$build" -j "${KTSTR_JOBS:-2}" --target $targets
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build" && ctest -R '^unit/' --output-on-failure -j "$(nproc)"
