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
# configuration for sid (the mirror is the system's own, read from
# /etc/apt at run time; nothing is installed or added to the system), then
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
if [ -n "${KTSTR_CACHE_DIR:-}" ]; then cache=$KTSTR_CACHE_DIR
elif [ -n "${XDG_CACHE_HOME:-}" ]; then cache=$XDG_CACHE_HOME/ktstr
else cache=$HOME/.cache/ktstr; fi
out=$cache/schedulers
work=$out/work
aptdir=$out/apt-sid
pkg=${KTSTR_LINUX_SOURCE:-linux-source-7.2}
mkdir -p "$out"

# --- tools -------------------------------------------------------------------------
PATH=$PATH:/usr/sbin:/sbin
clang_major() { "$1" --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n1; }
clang=${KTSTR_BPF_CLANG:-}
if [ -z "$clang" ]; then
  for v in 25 24 23 22 21 20 19 18 17 16; do
    if command -v "clang-$v" >/dev/null; then clang=clang-$v; break; fi
  done
fi
[ -n "$clang" ] || die "no clang >= 16 found; run scripts/bootstrap-bpf.sh"
cmaj=$(clang_major "$clang")
[ -n "$cmaj" ] && [ "$cmaj" -ge 16 ] || die "$clang is not clang >= 16"
for t in bpftool make gcc tar dpkg apt-get; do
  command -v "$t" >/dev/null || die "$t not found; run scripts/bootstrap-bpf.sh"
done
for lib in libelf.a libz.a; do
  [ -n "$(gcc -print-file-name=$lib | grep /)" ] && [ -f "$(gcc -print-file-name=$lib)" ] ||
    die "static $lib not found (libelf-dev, zlib1g-dev); run scripts/bootstrap-bpf.sh"
done

vmlinux=${KTSTR_BPF_VMLINUX:-}
if [ -z "$vmlinux" ]; then
  vmlinux=$(ls -1d "$cache"/kernels/*/vmlinux 2>/dev/null | sort -V | tail -n1 || true)
fi
[ -n "$vmlinux" ] && [ -f "$vmlinux" ] ||
  die "no kernel with BTF in $cache/kernels; run \`ktstr kernel fetch\` or set KTSTR_BPF_VMLINUX"

if [ ${#scheds[@]} -eq 0 ]; then
  scheds=(scx_simple scx_central)
  [ "$cmaj" -ge 22 ] && scheds+=(scx_qmap)
fi

# --- the source package --------------------------------------------------------------
line=$(ktstr_debian_archive) || die "no Debian archive entry for this system's suite in /etc/apt"
uri=${line%% *}
key=$(ktstr_debian_keyring "${line#* }")
mkdir -p "$aptdir/lists/partial" "$aptdir/cache" "$aptdir/archives/partial"
opts=""
[ "$key" != "-" ] && opts="[signed-by=$key] "
echo "deb ${opts}$uri sid main" > "$aptdir/sources.list"
apt_opts=(
  -q
  "-oDir::Etc::SourceList=$aptdir/sources.list" -oDir::Etc::SourceParts=/dev/null
  -oDir::Etc::Preferences=/dev/null -oDir::Etc::PreferencesParts=/dev/null
  "-oDir::State::Lists=$aptdir/lists" "-oDir::Cache=$aptdir/cache"
  "-oDir::Cache::Archives=$aptdir/archives"
  -oAPT::Architecture=amd64 -oAPT::Architectures=amd64
  "-oAPT::Sandbox::User=$(id -un)"
)
log "refreshing the sid package list (private apt state in $aptdir)"
apt-get "${apt_opts[@]}" update >/dev/null 2>"$aptdir/update.err" ||
  { cat "$aptdir/update.err" >&2; die "apt-get update for sid failed"; }
version=$(apt-cache "${apt_opts[@]}" show "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n1)
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
log "downloading $pkg $version"
(cd "$work" && apt-get "${apt_opts[@]}" download "$pkg=$version" >/dev/null) || die "apt-get download $pkg failed"
deb=$(ls "$work"/"$pkg"_*.deb)
dpkg -x "$deb" "$work/deb"
rm -f "$deb"
tarball=$(ls "$work"/deb/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1)
[ -n "$tarball" ] || die "$pkg holds no /usr/src/linux-source-*.tar.xz"
top=$(basename "$tarball" .tar.xz)
log "unpacking tools/, include/, scripts/ of $(basename "$tarball") ($(du -h "$tarball" | cut -f1))"
# The whole stream is decompressed either way; only the parts the tools
# build reads are written out.
tar -xJf "$tarball" -C "$work" --wildcards \
  "$top/tools/*" "$top/include/*" "$top/scripts/*" "$top/arch/x86/include/*" "$top/Makefile"
rm -rf "$work/deb"
src=$work/$top
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
