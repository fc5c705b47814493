#!/usr/bin/env bash
# README command 1: install everything, then run the main job: the curated
# scenario catalog in VMs under the kernel's default scheduler (EEVDF) and
# under a real sched_ext scheduler (ktstr's fixture; plus the kernel's own
# scx_simple when scripts/build-kernel-schedulers.sh has built it), each
# with a PASS/FAIL/SKIP verdict per scenario. Exit 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh build || exit 2

status=0
run() {
  echo
  echo "== $1 ==" >&2
  shift
  build/ktstr run --topology 1n2l2c1t "$@" || status=1
}
run "EEVDF (the kernel's default scheduler)"
run "scx_ktstr_fixture (ktstr's sched_ext scheduler)" --scheduler fixture
if [ -x "${KTSTR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ktstr}/schedulers/scx_simple" ]; then
  run "scx_simple (the kernel's tools/sched_ext example)" --scheduler simple
fi
echo
if [ $status -eq 0 ]; then echo "verdict: all scenarios passed or were skipped with a reason"; else echo "verdict: FAILURES above"; fi
exit $status
