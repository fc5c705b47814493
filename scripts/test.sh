#!/usr/bin/env bash
# README command 2: install everything, then run the whole test suite
# (unit tests and VM tests that boot the real kernel).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh build
# A real third-party sched_ext scheduler for the VM tests: the kernel's own
# scx_simple, built from Debian's linux-source (cached after the first run).
scripts/build-kernel-schedulers.sh scx_simple
cd build
exec ctest --output-on-failure -j "$(nproc)" --timeout 600
