#!/usr/bin/env bash
# Builds the kernel's own sched_ext selftests runner
# (tools/testing/selftests/sched_ext in Debian sid's linux-source-X.Y) for
# `ktstr kselftest`:
#   <cache>/kselftests/sched_ext/runner   (+ BUILD-INFO)
# where <cache> is $KTSTR_CACHE_DIR, $XDG_CACHE_HOME/ktstr or ~/.cache/ktstr.
#
#   scripts/build-kernel-selftests.sh [--force]
#
# Idempotent: does nothing when the runner was built from the same source
# package and kernel BTF (--force rebuilds). The runner embeds every test's
# BPF program (skeletons), generated against vmlinux.h of the kernel the
# tests will run on: the newest kernel in ktstr's cache unless
# KTSTR_BPF_VMLINUX names one. Linked dynamically; ktstr packs its shared
# libraries into the guest.
#
# How: the source package comes through a private apt configuration for sid
# (scripts/lib/linux-source.sh; the mirror is the system's own), then the
# selftests' own Makefile builds libbpf from tools/lib/bpf and the runner.
# Skeletons come from the system's bpftool. Needs what
# scripts/bootstrap-bpf.sh installs (clang >= 16, bpftool, make, libelf-dev,
# zlib1g-dev, libzstd-dev); no root.
#
# Environment:
#   KTSTR_LINUX_SOURCE   source package (default linux-source-7.2)
#   KTSTR_BPF_VMLINUX    vmlinux with .BTF (default: newest cached kernel)
#   KTSTR_BPF_CLANG      clang to use (default: newest clang-NN >= 16 on PATH)
#   KTSTR_KEEP_WORK=1    keep the unpacked tree (<cache>/kselftests/work)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/debian-archive.sh"
. "$here/lib/linux-source.sh"
. "$here/lib/bpf-build.sh"

log() { echo "build-kernel-selftests: $*" >&2; }
die() { log "$*"; exit 1; }

force=0
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    -h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $a (see --help)" ;;
  esac
done

cache=$(ktstr_cache_dir)
top_out=$cache/kselftests
out=$top_out/sched_ext
work=$top_out/work
aptdir=$cache/schedulers/apt-sid   # shared with build-kernel-schedulers.sh
pkg=${KTSTR_LINUX_SOURCE:-linux-source-7.2}
mkdir -p "$out" "$aptdir"

PATH=$PATH:/usr/sbin:/sbin
clang=$(ktstr_bpf_clang) || true
[ -n "$clang" ] || die "no clang >= 16 found; run scripts/bootstrap-bpf.sh"
for t in bpftool make gcc tar dpkg apt-get; do
  command -v "$t" >/dev/null || die "$t not found; run scripts/bootstrap-bpf.sh"
done

vmlinux=$(ktstr_default_vmlinux "$cache") ||
  die "no kernel with BTF in $cache/kernels; run \`ktstr kernel fetch\` or set KTSTR_BPF_VMLINUX"

log "refreshing the sid package list (private apt state in $aptdir)"
version=$(ktstr_linux_source_version "$aptdir" "$pkg") || die "cannot reach sid's package list"
[ -n "$version" ] || die "package $pkg not found in sid (set KTSTR_LINUX_SOURCE?)"

vmlinux_id="$(readlink -f "$vmlinux") $(stat -c %s-%Y "$(readlink -f "$vmlinux")")"
stamp="package=$pkg $version clang=$(ktstr_clang_major "$clang") btf=$vmlinux_id"
if [ $force -eq 0 ] && [ -x "$out/runner" ] && [ -f "$out/BUILD-INFO" ] && grep -qxF "$stamp" "$out/BUILD-INFO"; then
  log "up to date: $out/runner ($pkg $version)"
  exit 0
fi

t0=$(date +%s)
rm -rf "$work"
mkdir -p "$work"
log "downloading and unpacking $pkg $version"
src=$(ktstr_linux_source_unpack "$aptdir" "$pkg" "$version" "$work" \
  "tools/*" "include/*" "scripts/*" "arch/x86/include/*" "Makefile") || die "cannot unpack $pkg"
dir=$src/tools/testing/selftests/sched_ext
[ -f "$dir/runner.c" ] || die "$pkg has no tools/testing/selftests/sched_ext"

log "building the runner with $clang (libbpf from tools/lib/bpf)"
mkdir -p "$work/o"
if ! nice make -C "$dir" -j"$(nproc)" OUTPUT="$work/o" CLANG="$clang" BPFTOOL="$(command -v bpftool)" \
     VMLINUX_BTF="$vmlinux" >"$work/build.log" 2>&1; then
  tail -n 30 "$work/build.log" >&2
  die "make failed; full log in $work/build.log"
fi
[ -x "$work/o/runner" ] || die "the runner was not built (see $work/build.log)"
install -m 0755 "$work/o/runner" "$out/runner.tmp"
mv "$out/runner.tmp" "$out/runner"
{
  echo "$stamp"
  echo "tests: $("$out/runner" -l | wc -l)"
  echo "clang: $("$clang" --version | head -n1)"
  echo "bpftool: $(bpftool version | head -n1)"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$out/BUILD-INFO"
[ "${KTSTR_KEEP_WORK:-0}" = 1 ] || rm -rf "$work"
log "done in $(( $(date +%s) - t0 )) s: $out/runner"
