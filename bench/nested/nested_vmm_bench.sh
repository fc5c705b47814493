#!/usr/bin/env bash
# ktstr's own VMM vs QEMU, both as L2 in the same nested-rig L1 (the only
# place /dev/kvm works on our machines): prints medians and ratios.
#   bench/nested/nested_vmm_bench.sh [BUILD_DIR] [RUNS]
# Timings inside the rig say nothing about real KVM (ENVIRONMENT.md); the
# ratios compare the two VMMs under the same conditions.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
runs=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/tiny_pvh_kernel.py" "$tmp/tiny.elf"
"$build/ktstr" nested-rig --with-qemu --timeout 3000 --script "$here/vmm_bench_l1.sh" -i "$tmp/tiny.elf" \
  --exec "sh /rig/scripts/vmm_bench_l1.sh $runs"
