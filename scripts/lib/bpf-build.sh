# Sourced by ktstr's scripts that build BPF programs from the kernel tree
# (build-kernel-schedulers.sh, build-kernel-selftests.sh): where ktstr's
# cache is, which clang to use, which kernel's BTF to build against.
#
#   ktstr_cache_dir            -> $KTSTR_CACHE_DIR, $XDG_CACHE_HOME/ktstr or ~/.cache/ktstr
#   ktstr_bpf_clang            -> $KTSTR_BPF_CLANG or the newest clang-NN >= 16 on PATH
#   ktstr_clang_major CLANG    -> its major version
#   ktstr_default_vmlinux CACHE -> $KTSTR_BPF_VMLINUX or the newest cached kernel's vmlinux
# Each prints nothing (and returns 1) when there is no answer.

ktstr_cache_dir() {
  if [ -n "${KTSTR_CACHE_DIR:-}" ]; then echo "$KTSTR_CACHE_DIR"
  elif [ -n "${XDG_CACHE_HOME:-}" ]; then echo "$XDG_CACHE_HOME/ktstr"
  else echo "$HOME/.cache/ktstr"; fi
}

ktstr_bpf_clang() {
  if [ -n "${KTSTR_BPF_CLANG:-}" ]; then echo "$KTSTR_BPF_CLANG"; return 0; fi
  local v
  for v in 25 24 23 22 21 20 19 18 17 16; do
    if command -v "clang-$v" >/dev/null; then echo "clang-$v"; return 0; fi
  done
  return 1
}

ktstr_clang_major() {
  { "$1" --version 2>/dev/null || true; } | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n1
}

ktstr_default_vmlinux() {
  local v=${KTSTR_BPF_VMLINUX:-}
  [ -n "$v" ] || v=$(ls -1d "$1"/kernels/*/vmlinux 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$v" ] && [ -f "$v" ] && echo "$v"
}
