#!/bin/sh
# Checks of ktstr's own VMM, run inside the nested rig's L1, where every
# `ktstr` boots its guest (L2) on the own VMM (KTSTR_VMM=kvm).
#   rig_checks.sh part1   --exec output + exit code, guest panic, hang at the
#                         deadline, each injected vCPU crash kind, 1n3l3c1t
#   rig_checks.sh part2   SMT and NUMA shapes read back from guest sysfs, a
#                         curated scenario under EEVDF and under the fixture
# Prints "RIG-CHECK <name> PASS <secs>s" or "RIG-CHECK <name> FAIL: <why>"
# (with the command's output) per check; exits 1 if any failed.
fails=0

now() { cut -d' ' -f1 /proc/uptime; }

# expect NAME RC MIN_S MAX_S [TEXT...] -- CMD...
# CMD must exit RC within [MIN_S, MAX_S] seconds and print every TEXT.
expect() {
  name=$1 want=$2 min=$3 max=$4
  shift 4
  : >"/tmp/$name.want"
  while [ "$1" != "--" ]; do echo "$1" >>"/tmp/$name.want"; shift; done
  shift
  t0=$(now)
  "$@" >"/tmp/$name.log" 2>&1 &
  pid=$!
  # A check must never hang the rig: past its limit (+30 s) show where the
  # process is stuck, then kill it.
  waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((${max%.*} + 30)) ]; do
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    for t in /proc/"$pid"/task/*; do
      echo "hung task ${t##*/} ($(cat "$t/comm")): state $(cut -d' ' -f3 "$t/stat"), in $(cat "$t/wchan")"
    done >>"/tmp/$name.log"
    kill -9 "$pid"
  fi
  wait "$pid"
  rc=$?
  secs=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  why=""
  [ "$rc" = "$want" ] || why="exit code $rc, expected $want"
  [ -z "$why" ] && awk -v s="$secs" -v lo="$min" -v hi="$max" 'BEGIN { exit !(s < lo || s > hi) }' &&
    why="took ${secs}s, expected ${min}-${max}s"
  if [ -z "$why" ]; then
    while IFS= read -r text; do
      grep -qF -- "$text" "/tmp/$name.log" || { why="output lacks: $text"; break; }
    done <"/tmp/$name.want"
  fi
  if [ -z "$why" ] && [ -n "$(leftovers)" ]; then why="left behind: $(leftovers)"; fi
  if [ -z "$why" ]; then
    echo "RIG-CHECK $name PASS ${secs}s"
  else
    echo "RIG-CHECK $name FAIL: $why"
    tail -n 60 "/tmp/$name.log" | sed 's/^/  | /'
    fails=$((fails + 1))
  fi
}

# Any ktstr (L2 VMM) process still alive once the command returned.
leftovers() {
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = 1 ] && continue
    case "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" in
      "/init --vmm"* | "/init shell"* | "/init run"*) echo "process ${p#/proc/}" ;;
    esac
  done
}

# Two halves of about equal cost (~2.5 min each here), so ctest -j2 runs
# them side by side: each is one L1 boot running many L2 boots.
part1() {
  expect exec 7 0 120 "hello from L2" -- ktstr shell --topology 1n1l1c1t --exec 'echo hello from L2; exit 7'
  expect panic 1 0 100 "guest kernel panic" "Kernel panic - not syncing: sysrq triggered crash" "guest console" \
    -- ktstr shell --topology 1n1l1c1t --timeout 120 --exec 'echo c > /proc/sysrq-trigger'
  expect hang 1 10 60 "timeout" "deadline was 10s" -- ktstr shell --topology 1n1l1c1t --timeout 10 --exec 'sleep 1000'
  # Each crash kind, on the boot CPU and on an application processor, while
  # the guest boots: only the crash can end these VMs early.
  for c in "exception:1:exception: injected failure in vCPU 1" "terminate:0:std::terminate (no active exception)" \
    "segv:1:SIGSEGV (fault address 0x10)" "abort:0:SIGABRT (sent, not a fault)"; do
    kind=${c%%:*} rest=${c#*:}
    cpu=${rest%%:*}
    expect "crash-$kind" 1 3 60 "vCPU crash: vCPU $cpu crashed: ${rest#*:}" "stage reached: guest" "guest console" \
      -- env KTSTR_KVM_INJECT_CRASH="$kind:$cpu:3000" ktstr shell --topology 1n1l2c1t --timeout 120 --exec 'sleep 60'
  done
  # SIGTERM (a background job of a script ignores SIGINT) while the guest
  # boots: the own VMM stops its vCPUs and unwinds like QEMU's child is killed.
  expect sigterm 143 4 40 "interrupted by Terminated" "cleaned up" -- sh -c \
    'ktstr shell --topology 1n1l1c1t --timeout 120 --exec "sleep 1000" & p=$!; sleep 4; kill -TERM $p; wait $p'
  expect topo-1n3l3c1t 0 0 400 "sysfs matches" -- ktstr shell --topology 1n3l3c1t --exec "/init topo --expect 1n3l3c1t"
}

part2() {
  for t in 1n2l2c2t 2n4l2c1t; do
    expect "topo-$t" 0 0 400 "sysfs matches" -- ktstr shell --topology "$t" --exec "/init topo --expect $t"
  done
  expect scenario-eevdf 0 0 400 "1 passed, 0 failed" -- ktstr run -s steady --topology 1n1l2c1t
  # -v shows the host-side watchdog shortener pausing the own VMM's vCPUs
  # (kicked out of KVM_RUN and parked) to edit guest kernel memory.
  expect scenario-fixture 0 0 400 "1 passed, 0 failed" "VM paused" \
    -- ktstr -v run -s steady --topology 1n1l2c1t --scheduler fixture
}

case "$1" in
  part1) part1 ;;
  part2) part2 ;;
  *) echo "usage: $0 part1|part2" >&2; exit 2 ;;
esac
echo "RIG-DONE $1 failures=$fails"
[ "$fails" = 0 ]
