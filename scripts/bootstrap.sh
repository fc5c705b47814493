#!/usr/bin/env bash
# Installs everything ktstr needs on Debian 12 (bookworm), builds it and
# fetches the default guest kernel. Idempotent; works as root or with sudo.
#   scripts/bootstrap.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "bootstrap: need root or sudo to install packages" >&2; exit 2; }
  SUDO="sudo"
fi

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git
  # libraries
  libgtest-dev libgmock-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libtomlplusplus-dev libsqlite3-dev liblz4-dev libzstd-dev liblzma-dev
  libelf-dev zlib1g-dev
  # running guests
  qemu-system-x86 busybox-static cpio zstd xz-utils
  # ACPI table round-trip tests of the own VMM (iasl)
  acpica-tools
  # the HTML report's browser test (headless, driven over the DevTools pipe)
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}" >&2
  $SUDO apt-get update -q >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# clang, libbpf and bpftool (bookworm-backports) for the sched_ext schedulers.
scripts/bootstrap-bpf.sh

echo "bootstrap: building ktstr in $BUILD_DIR" >&2
# Line-table debug info (-g1): backtraces keep file:line, and the build from
# scratch is ~25 % faster than with full -g (measured; CI builds from scratch).
# Unity batches (KTSTR_UNITY_BUILD, see CMakeLists.txt): 2.6x less compile time.
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKTSTR_UNITY_BUILD=ON \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"

# The default kernel (Debian's sched_ext kernel) into the ktstr cache; a no-op
# when it is already there.
"$BUILD_DIR/ktstr" kernel fetch >/dev/null

# The fixture scheduler's BPF code is compiled against that kernel's BTF, so
# configure again now that the kernel is cached (fast when nothing changed).
cmake -S . -B "$BUILD_DIR" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
