#!/bin/sh
# Runs inside the nested rig's L1 (see nested_vmm_bench.sh): the own VMM and
# QEMU (on L1's KVM) boot the same guests as L2, alternating, N runs each.
#   tiny   a PVH "kernel" whose first instruction powers off: VM creation ->
#          first guest instruction -> VM gone (ktstr's "VM" wall time)
#   true   the real kernel, `shell --exec true`: guest reports its exit code
#          -> VM gone ("power-off -> exit"), and the whole command's wall time
runs=${1:-5}
now() { cut -d' ' -f1 /proc/uptime; }
# Numbers from ktstr -v: ", VM 7.80 s," and "exit code reported to VM gone 148.7 ms".
vm_seconds() { sed -n 's/.*, VM \([0-9][0-9.]*\) s,.*/\1/p' "$1" | head -1; }
off_ms() { sed -n 's/.*exit code reported to VM gone \([0-9][0-9.]*\) ms.*/\1/p' "$1" | head -1; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "nan" }'; }

for i in $(seq "$runs"); do
  for vmm in kvm qemu; do
    ktstr -v shell --vmm "$vmm" --kernel /usr/local/bin/tiny.elf --timeout 60 --exec true >/tmp/tiny.log 2>&1
    v=$(vm_seconds /tmp/tiny.log)
    [ -n "$v" ] && echo "$v" >>"/tmp/tiny-$vmm" || { echo "run $i $vmm: tiny kernel gave no VM time"; tail -20 /tmp/tiny.log; }
    t0=$(now)
    ktstr -v shell --vmm "$vmm" --exec true >/tmp/true.log 2>&1
    rc=$?
    if [ "$rc" = 0 ]; then  # only complete runs count; failures are listed
      awk -v a="$t0" -v b="$(now)" 'BEGIN { print b - a }' >>"/tmp/whole-$vmm"
      off_ms /tmp/true.log >>"/tmp/off-$vmm"
    else
      echo "run $i $vmm: shell --exec true exited $rc"
      grep -v '^\[' /tmp/true.log | tail -5
      echo x >>"/tmp/failed-$vmm"
    fi
  done
done

report() {  # NAME UNIT FILE-STEM
  k=$(median <"/tmp/$3-kvm") q=$(median <"/tmp/$3-qemu")
  echo "$1: own VMM $k $2, QEMU $q $2, QEMU/own $(awk -v k="$k" -v q="$q" 'BEGIN { printf "%.2f", q / k }')x" \
       "(runs: own $(tr '\n' ' ' <"/tmp/$3-kvm")| QEMU $(tr '\n' ' ' <"/tmp/$3-qemu"))"
}
echo "BENCH median of $runs runs, L2 guests inside the nested rig's L1 (QEMU TCG + nested KVM):"
report "VM creation -> first guest instruction -> VM gone (tiny PVH kernel)" s tiny
report "guest exit code reported -> VM gone (power-off -> exit)" ms off
report "whole \`ktstr shell --exec true\`" s whole
echo "failed runs (not counted): own VMM $(cat /tmp/failed-kvm 2>/dev/null | wc -l), QEMU $(cat /tmp/failed-qemu 2>/dev/null | wc -l)"
