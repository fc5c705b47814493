#!/usr/bin/env bash
# Installs the BPF toolchain ktstr's schedulers need on Debian 12 (bookworm):
# clang, libbpf >= 1.4 and bpftool (from bookworm-backports), plus the static
# libraries the fixture scheduler's loader links against. Idempotent; works as
# root or with sudo.
#   scripts/bootstrap-bpf.sh
#
# bookworm's own libbpf (1.1) is too old for .struct_ops.link, so libbpf-dev
# and bpftool come from bookworm-backports. The script adds that suite as
# /etc/apt/sources.list.d/ktstr-backports.sources, with the archive URI and
# keyring copied from the system's own bookworm entry (read here, at run
# time; no mirror is written into the project). Backports is NotAutomatic, so
# the entry changes nothing else on the system: only packages installed with
# `-t bookworm-backports` come from it. Remove the file to undo.
#
# Environment:
#   KTSTR_CLANG_VERSION   clang major version to install (default 19)
set -euo pipefail

CLANG_VERSION=${KTSTR_CLANG_VERSION:-19}
SOURCES_FILE=/etc/apt/sources.list.d/ktstr-backports.sources

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "bootstrap-bpf: need root or sudo to install packages" >&2; exit 2; }
  SUDO="sudo"
fi

log() { echo "bootstrap-bpf: $*" >&2; }

. "$(dirname "$0")/lib/debian-archive.sh"

codename=$(ktstr_debian_codename)
if [ -z "$codename" ]; then
  log "cannot tell the Debian codename from /etc/os-release"; exit 2
fi
backports="$codename-backports"

ensure_backports() {
  if [ -f "$SOURCES_FILE" ]; then return 0; fi
  if apt-cache policy 2>/dev/null | grep -q " $backports/main"; then return 0; fi  # the system already has it
  local line uri key
  line=$(ktstr_debian_archive "$codename") || {
    log "no apt source for suite '$codename' found in /etc/apt; cannot derive $backports"; exit 2
  }
  uri=${line%% *}
  key=$(ktstr_debian_keyring "${line#* }")
  log "adding $backports from $uri as $SOURCES_FILE"
  {
    echo "# Added by ktstr scripts/bootstrap-bpf.sh for libbpf-dev and bpftool."
    echo "Types: deb"
    echo "URIs: $uri"
    echo "Suites: $backports"
    echo "Components: main"
    if [ "$key" != "-" ]; then echo "Signed-By: $key"; fi
  } | $SUDO tee "$SOURCES_FILE.tmp" >/dev/null
  $SUDO mv "$SOURCES_FILE.tmp" "$SOURCES_FILE"
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

# libbpf-dev from backports is >= 1.4 (the version string is like 1:1.4.6-1~bpo12+1).
libbpf_ok() {
  local v
  v=$(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null) || return 1
  dpkg --compare-versions "$v" ge "1:1.4"
}

# libclang-rt: the libFuzzer and sanitizer runtimes for scripts/fuzz.sh.
BASE=(clang-"$CLANG_VERSION" llvm-"$CLANG_VERSION" libclang-rt-"$CLANG_VERSION"-dev libelf-dev zlib1g-dev libzstd-dev make pkg-config)
BACKPORTS=(libbpf-dev bpftool)

missing=()
for p in "${BASE[@]}"; do installed "$p" || missing+=("$p"); done
need_bp=0
libbpf_ok && installed bpftool || need_bp=1

if [ ${#missing[@]} -eq 0 ] && [ $need_bp -eq 0 ]; then
  log "toolchain already installed (clang-$CLANG_VERSION, libbpf $(dpkg-query -W -f='${Version}' libbpf-dev), bpftool)"
  exit 0
fi

if [ $need_bp -eq 1 ]; then ensure_backports; fi
# apt-cache needs a list that knows the packages; refresh once.
$SUDO apt-get update -q >/dev/null

if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ $need_bp -eq 1 ]; then
  log "installing ${BACKPORTS[*]} from $backports"
  # libbpf1 must come along from backports too (libbpf-dev pins its version).
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -t "$backports" "${BACKPORTS[@]}" libbpf1 >/dev/null
fi
libbpf_ok || { log "libbpf-dev is still older than 1.4: $(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null)"; exit 1; }
log "done: clang-$CLANG_VERSION, libbpf $(dpkg-query -W -f='${Version}' libbpf-dev), $(bpftool version 2>/dev/null | head -n1)"
