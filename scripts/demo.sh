#!/usr/bin/env bash
# README command 1: install everything, then run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh build
echo "== ktstr: booting Debian's sched_ext kernel in a VM ==" >&2
exec build/ktstr shell --exec 'echo "kernel: $(uname -r)"; echo "cpus: $(cat /sys/devices/system/cpu/online)"; echo "sched_ext state: $(cat /sys/kernel/sched_ext/state)"'
