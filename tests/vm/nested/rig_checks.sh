#!/bin/sh
# Checks of ktstr's own VMM, run inside the nested rig's L1, where every
# `ktstr` boots its guest (L2) on the own VMM (KTSTR_VMM=kvm).
#   rig_checks.sh basic      --exec output + exit code, guest panic, hang at
#                            the deadline, each injected vCPU crash kind
#   rig_checks.sh topology   odd/SMT/NUMA shapes read back from guest sysfs,
#                            a curated scenario under EEVDF and the fixture
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
  "$@" >"/tmp/$name.log" 2>&1
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

basic() {
  expect exec 7 0 120 "hello from L2" -- ktstr shell --exec 'echo hello from L2; exit 7'
  expect panic 1 0 100 "guest kernel panic" "Kernel panic - not syncing: sysrq triggered crash" "guest console" \
    -- ktstr shell --timeout 120 --exec 'echo c > /proc/sysrq-trigger'
  expect hang 1 15 60 "timeout" "deadline was 15s" -- ktstr shell --timeout 15 --exec 'sleep 1000'
  # Each crash kind on an application processor, 10 s in: the guest runs
  # `sleep 60`, so only the crash can end the VM early.
  for c in "exception:exception: injected failure in vCPU 1" "terminate:std::terminate (no active exception)" \
    "segv:SIGSEGV (fault address 0x10)" "abort:SIGABRT (sent, not a fault)"; do
    kind=${c%%:*}
    expect "crash-$kind" 1 9 60 "vCPU crash: vCPU 1 crashed: ${c#*:}" "stage reached: guest" "guest console" \
      -- env KTSTR_KVM_INJECT_CRASH="$kind:1:10000" ktstr shell --topology 1n1l2c1t --timeout 120 --exec 'sleep 60'
  done
}

topology() {
  for t in 1n3l3c1t 1n2l2c2t 2n4l2c1t; do
    expect "topo-$t" 0 0 400 "sysfs matches" -- ktstr shell --topology "$t" --exec "/init topo --expect $t"
  done
  expect scenario-eevdf 0 0 400 "1 passed, 0 failed" -- ktstr run -s steady --topology 1n2l2c1t
  expect scenario-fixture 0 0 400 "1 passed, 0 failed" -- ktstr run -s steady --topology 1n2l2c1t --scheduler fixture
}

case "$1" in
  basic) basic ;;
  topology) topology ;;
  *) echo "usage: $0 basic|topology" >&2; exit 2 ;;
esac
echo "RIG-DONE $1 failures=$fails"
[ "$fails" = 0 ]
