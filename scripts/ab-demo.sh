#!/bin/bash
# A/B must-show (issue 11): the curated scenarios under the fixture
# scheduler -- a baseline, a run with the fixture's delayed dispatch
# (--flags dispatch-delay: every user task waits 50 ms in the queue before
# it runs), and N clean re-runs -- into a private run store; then
# `stats compare` baseline vs slow (expect exit 1, the regressed metrics
# named) and baseline vs each clean re-run (expect exit 0: no false
# positive). Prints the figures and the wall time. Usage:
#   scripts/ab-demo.sh [BUILD_DIR] [REPEATS] [extra `ktstr run` args...]
# e.g. scripts/ab-demo.sh build 3 -s steady -s oversubscribed
set -u
build=${1:-build}; shift || true
repeats=${1:-3}; shift || true
ktstr=$(realpath "$build/ktstr")
work=$(mktemp -d "${TMPDIR:-/tmp}/ktstr-ab.XXXXXX")
trap 'rm -rf "$work"' EXIT
store="$work/runs.db"
start=$(date +%s)

run() {  # label, extra args
  local label=$1; shift
  local t0=$(date +%s)
  nice "$ktstr" -q run --scheduler fixture -j 2 --store "$store" "$@" > "$work/$label.out" 2>&1
  echo "run $label: exit $? in $(( $(date +%s) - t0 )) s ($(grep -c PASS "$work/$label.out" || true) PASS lines)"
}

run baseline "$@"
run slow --flags dispatch-delay "$@"
for i in $(seq 1 "$repeats"); do run "clean$i" "$@"; done

# Runs in order: baseline = latest~(repeats+1), slow = latest~repeats, cleanN = latest~(repeats-N).
compare() {  # label, selector B
  "$ktstr" stats compare --store "$store" --a "run=latest~$((repeats + 1))" --b "$2" --json > "$work/$1.json"
  local rc=$?
  python3 - "$work/$1.json" "$1" "$rc" <<'PY'
import json, sys
path, label, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    j = json.load(open(path))
except Exception:
    print(f"compare {label}: exit {rc}, no JSON"); sys.exit(0)
regs = [(p["key"]["test"], m) for p in j["pairs"] for m in p["metrics"] if m["verdict"] == "regression"]
print(f"compare baseline vs {label}: exit {rc}, {len(j['pairs'])} pairs, {j['regressions']} regression(s), "
      f"{j['improvements']} improvement(s)")
for t, m in regs:
    rel = "new" if m["relative"] is None else f"{m['relative'] * 100:+.0f}%"
    print(f"  {t:<18} {m['name']:<30} {m['a']:>12.6g} -> {m['b']:<12.6g} ({rel})")
PY
}
compare slow "run=latest~$repeats"
for i in $(seq 1 "$repeats"); do compare "clean$i" "run=latest~$((repeats - i))"; done
echo "wall time: $(( $(date +%s) - start )) s"
