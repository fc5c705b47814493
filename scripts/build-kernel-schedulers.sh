#!/usr/bin/env bash
# Builds example sched_ext schedulers from the kernel's own tools/sched_ext
# (Debian sid's linux-source-X.Y package), statically linked, into ktstr's
# cache so tests can run real third-party schedulers in a guest:
#   <cache>/schedulers/scx_simple, scx_central, ...   (+ BUILD-INFO)
# where <cache> is $KTSTR_CACHE_DIR, $XDG_CACHE_HOME/ktstr or ~/.cache/ktstr,
# as for ktstr itself.
#
#   scripts/build-kernel-schedulers.sh [--force] [SCHEDULER...]
#
# Default schedulers: scx_simple and scx_central, plus scx_qmap when a clang
# >= 22 is installed (schedulers using BPF arenas -- scx_qmap, scx_sdt -- build
# with older clang but the 7.2 verifier rejects the result). Idempotent: does
# nothing when the cache already holds the requested schedulers built from the
# same source package and kernel BTF (--force rebuilds).
#
# How: `apt-get download` of the source package through a private apt
# configuration for sid (scripts/lib/linux-source.sh; the mirror is the
# system's own, read from /etc/apt at run time; nothing is installed), then
# the tree's own tools/sched_ext Makefile builds libbpf 1.8 from
# tools/lib/bpf and the schedulers against it. Skeletons come from the
# system's bpftool, vmlinux.h from the newest kernel in ktstr's cache.
# Needs what scripts/bootstrap-bpf.sh installs (clang >= 16, bpftool, make,
# static libelf/zlib); no root.
#
# Environment:
#   KTSTR_LINUX_SOURCE   source package (default linux-source-7.2)
#   KTSTR_BPF_VMLINUX    vmlinux with .BTF for vmlinux.h (default: newest cached kernel)
#   KTSTR_BPF_CLANG      clang to use (default: newest clang-NN >= 16 on PATH)
#   KTSTR_KEEP_WORK=1    keep the unpacked tree (<cache>/schedulers/work) afterwards
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/debian-archive.sh"
. "$here/lib/linux-source.sh"
. "$here/lib/bpf-build.sh"

log() { echo "build-kernel-schedulers: $*" >&2; }
die() { log "$*"; exit 1; }

force=0
scheds=()
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $a" ;;
    *) scheds+=("$a") ;;
  esac
done

# --- where -----------------------------------------------------------------------
cache=$(ktstr_cache_dir)
out=$cache/schedulers
work=$out/work
aptdir=$out/apt-sid
pkg=${KTSTR_LINUX_SOURCE:-linux-source-7.2}
mkdir -p "$out"

# --- tools -------------------------------------------------------------------------
PATH=$PATH:/usr/sbin:/sbin
clang=$(ktstr_bpf_clang) || true
[ -n "$clang" ] || die "no clang >= 16 found; run scripts/bootstrap-bpf.sh"
cmaj=$(ktstr_clang_major "$clang")
[ -n "$cmaj" ] && [ "$cmaj" -ge 16 ] || die "$clang is not clang >= 16"
for t in bpftool make gcc tar dpkg apt-get; do
  command -v "$t" >/dev/null || die "$t not found; run scripts/bootstrap-bpf.sh"
done
for lib in libelf.a libz.a; do
  [ -n "$(gcc -print-file-name=$lib | grep /)" ] && [ -f "$(gcc -print-file-name=$lib)" ] ||
    die "static $lib not found (libelf-dev, zlib1g-dev); run scripts/bootstrap-bpf.sh"
done

vmlinux=$(ktstr_default_vmlinux "$cache") ||
  die "no kernel with BTF in $cache/kernels; run \`ktstr kernel fetch\` or set KTSTR_BPF_VMLINUX"

if [ ${#scheds[@]} -eq 0 ]; then
  scheds=(scx_simple scx_central)
  [ "$cmaj" -ge 22 ] && scheds+=(scx_qmap)
fi

# --- the source package --------------------------------------------------------------
log "refreshing the sid package list (private apt state in $aptdir)"
version=$(ktstr_linux_source_version "$aptdir" "$pkg") || die "cannot reach sid's package list"
[ -n "$version" ] || die "package $pkg not found in sid (set KTSTR_LINUX_SOURCE?)"

vmlinux_id="$(readlink -f "$vmlinux") $(stat -c %s-%Y "$(readlink -f "$vmlinux")")"
stamp="package=$pkg $version clang=$cmaj btf=$vmlinux_id"
if [ $force -eq 0 ] && [ -f "$out/BUILD-INFO" ] && grep -qxF "$stamp" "$out/BUILD-INFO"; then
  have=1
  for s in "${scheds[@]}"; do [ -x "$out/$s" ] || have=0; done
  if [ $have -eq 1 ]; then
    log "up to date: ${scheds[*]} in $out ($pkg $version)"
    exit 0
  fi
fi

t0=$(date +%s)
rm -rf "$work"
mkdir -p "$work"
log "downloading and unpacking $pkg $version"
src=$(ktstr_linux_source_unpack "$aptdir" "$pkg" "$version" "$work" \
  "tools/*" "include/*" "scripts/*" "arch/x86/include/*" "Makefile") || die "cannot unpack $pkg"
top=$(basename "$src")
[ -f "$src/tools/sched_ext/Makefile" ] || die "$top has no tools/sched_ext"

for s in "${scheds[@]}"; do
  [ -f "$src/tools/sched_ext/$s.bpf.c" ] ||
    die "$s is not in $top/tools/sched_ext (has: $(cd "$src/tools/sched_ext" && ls *.bpf.c | sed 's/.bpf.c//' | tr '\n' ' '))"
  if grep -q "arena" "$src/tools/sched_ext/$s.bpf.c" && [ "$cmaj" -lt 22 ]; then
    die "$s uses BPF arenas: it needs clang >= 22 (bookworm-security's clang-22), have $clang"
  fi
done

# CC="gcc -static" links the schedulers statically without touching libbpf's
# own build (it gets HOSTCC, and LDFLAGS=-static would break its .so).
log "building ${scheds[*]} with $clang (libbpf from $top/tools/lib/bpf)"
mkdir -p "$work/o"
if ! make -C "$src/tools/sched_ext" -j"$(nproc)" O="$work/o" \
     CC="gcc -static" CLANG="$clang" BPFTOOL="$(command -v bpftool)" VMLINUX_BTF="$vmlinux" \
     "${scheds[@]}" >"$work/build.log" 2>&1; then
  tail -n 30 "$work/build.log" >&2
  die "make failed; full log in $work/build.log"
fi

for s in "${scheds[@]}"; do
  bin=$work/o/build/bin/$s
  [ -x "$bin" ] || die "$s was not built"
  if readelf -d "$bin" 2>/dev/null | grep -q NEEDED; then die "$s is not statically linked"; fi
  install -m 0755 "$bin" "$out/$s.tmp"
  mv "$out/$s.tmp" "$out/$s"
done
libbpf_v=$(sed -n 's/#define LIBBPF_\(MAJOR\|MINOR\)_VERSION //p' "$src/tools/lib/bpf/libbpf_version.h" | paste -sd.)
{
  echo "$stamp"
  echo "schedulers: ${scheds[*]}"
  echo "libbpf: $libbpf_v (static, from $top/tools/lib/bpf)"
  echo "clang: $("$clang" --version | head -n1)"
  echo "bpftool: $(bpftool version | head -n1)"
  echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$out/BUILD-INFO"
[ "${KTSTR_KEEP_WORK:-0}" = 1 ] || rm -rf "$work"
log "done in $(( $(date +%s) - t0 )) s: $(for s in "${scheds[@]}"; do printf '%s ' "$out/$s"; done)"
