#!/usr/bin/env bash
# README command 2: install everything, then run the whole test suite
# (unit tests and VM tests that boot the real kernel).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh build
cd build
exec ctest --output-on-failure -j "$(nproc)" --timeout 600
