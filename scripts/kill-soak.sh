#!/usr/bin/env bash
# Kill soak: N runs of the real ktstr (`shell --exec`, `run` in a VM, `run
# --host`) killed with SIGINT, SIGTERM or SIGKILL at a random moment. After
# each: no process of that run left (QEMU, workers: found by a tag in their
# environment), no file in its TMPDIR, no half-written cache file, no host
# cgroup ktstr-<pid>. After a SIGKILL, `ktstr cleanup` must reclaim what
# the run could not (a --host cgroup, partial cache files) and the check is
# made after it.
#   scripts/kill-soak.sh [RUNS] [MAX_DELAY_S]     default: 100 runs, 8 s
# KTSTR_SOAK_SEED fixes the commands and signals (ctest's short soak uses it;
# the delays come from awk subshells and stay random).
# KTSTR_SOAK_CONTROL=leave-file leaves a file in the run's TMPDIR after
# every kill: the control that shows this check can fail. In that mode the
# script succeeds only if every run was reported for exactly that file
# (ctest kill_soak/control).
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
max_delay=${2:-8}
ktstr=${KTSTR:-$PWD/build/ktstr}
work=$(mktemp -d /tmp/ktstr-soak-XXXXXX)
trap 'rm -rf "$work"' EXIT
# A private cache (the real kernels, read-only use) so partial files are ours.
mkdir -p "$work/cache" "$work/tmp"
real_cache=${KTSTR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ktstr}
ln -s "$real_cache/kernels" "$work/cache/kernels"
[ -d "$real_cache/schedulers" ] && ln -s "$real_cache/schedulers" "$work/cache/schedulers"
export KTSTR_CACHE_DIR=$work/cache TMPDIR=$work/tmp

[ -n "${KTSTR_SOAK_SEED:-}" ] && RANDOM=$KTSTR_SOAK_SEED
signals=(INT TERM KILL)
failures=0
cgroup2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
declare -A count
tagged_procs() {  # pids whose environment carries this run's tag
  grep -lsz "^KTSTR_SOAK_TAG=$1\$" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
}
for ((i = 1; i <= runs; i++)); do
  case $((RANDOM % 3)) in
    0) args=(shell --exec "sleep 30") ;;
    1) args=(run -s steady --duration-ms 2000) ;;
    2) args=(run --host -s steady --duration-ms 3000) ;;
  esac
  cmd="${args[*]}"
  sig=${signals[RANDOM % ${#signals[@]}]}
  delay=$(awk -v r=$RANDOM -v m="$max_delay" 'BEGIN { printf "%.2f", r / 32768 * m }')
  tag=soak-$$-$i
  # setsid: its own session, so only our signal reaches it (as from a kill).
  KTSTR_SOAK_TAG=$tag setsid "$ktstr" -q "${args[@]}" >"$work/out" 2>&1 &
  pid=$!
  # A non-interactive shell starts background jobs with SIGINT ignored; a
  # signal sent before ktstr installs its handlers would be lost (or, for
  # SIGTERM, kill it before it owns anything). Count the random moment
  # from when ktstr catches SIGINT.
  for ((w = 0; w < 200; w++)); do
    cgt=$(awk '/^SigCgt:/ { print $2 }' /proc/$pid/status 2>/dev/null)
    [ -n "$cgt" ] && (( 0x$cgt & 2 )) && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  sleep "$delay"
  kill -s "$sig" "$pid" 2>/dev/null
  # A clean shutdown (SIGINT/SIGTERM) must finish well within 30 s.
  for ((w = 0; w < 300; w++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  problem=""
  if kill -0 "$pid" 2>/dev/null; then problem+=" ktstr still running 30 s after SIG$sig;"; kill -KILL "$pid"; fi
  wait "$pid" 2>/dev/null
  rc=$?
  [ "$sig" = KILL ] && "$ktstr" -q cleanup >>"$work/cleanup.log" 2>&1
  [ "${KTSTR_SOAK_CONTROL:-}" = leave-file ] && : >"$work/tmp/control-leftover-$i"
  sleep 1  # PR_SET_PDEATHSIG is delivered asynchronously
  left=$(tagged_procs "$tag" | tr '\n' ' ')
  [ -n "$left" ] && problem+=" processes left: $left($(for p in $left; do tr -d '\0' </proc/$p/comm 2>/dev/null; echo -n ' '; done));"
  [ -n "$(ls -A "$work/tmp")" ] && problem+=" TMPDIR not empty: $(ls "$work/tmp" | head -3);"
  partial=$(find "$work/cache" -name '*.tmp.*' -o -name '.staging-*' 2>/dev/null | head -3)
  [ -n "$partial" ] && problem+=" partial cache files: $partial;"
  [ -d "$cgroup2/ktstr-$pid" ] && problem+=" cgroup $cgroup2/ktstr-$pid left;"
  count["$sig"]=$((${count["$sig"]:-0} + 1))
  if [ -n "$problem" ]; then
    failures=$((failures + 1))
    echo "run $i: ktstr $cmd, SIG$sig after ${delay}s (exit $rc):$problem" | tee -a "$work/reports" >&2
    tail -3 "$work/out" >&2
    for p in $left; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "${work:?}/tmp/"* 2>/dev/null  # one leftover must not fail every later run
  else
    echo "run $i: ktstr $cmd, SIG$sig after ${delay}s: exit $rc, nothing left"
  fi
done
echo "kill soak: $runs runs (SIGINT ${count[INT]:-0}, SIGTERM ${count[TERM]:-0}, SIGKILL ${count[KILL]:-0}), $failures with leftovers"
if [ "${KTSTR_SOAK_CONTROL:-}" = leave-file ]; then
  caught=$(grep -c "TMPDIR not empty: control-leftover-" "$work/reports" 2>/dev/null || true)
  echo "control: the soak reported the planted file in ${caught:-0} of $runs runs"
  [ "${caught:-0}" -eq "$runs" ]
  exit
fi
[ "$failures" -eq 0 ]
