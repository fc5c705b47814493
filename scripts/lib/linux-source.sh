# Sourced by ktstr's scripts: downloads Debian sid's linux-source-X.Y package
# through a private apt configuration (the mirror is the system's own, read
# from /etc/apt at run time; nothing is installed or added to the system) and
# unpacks the parts of the tree a tools/ build reads.
#
#   ktstr_linux_source_version APTDIR PKG     -> prints the newest version in sid
#   ktstr_linux_source_unpack APTDIR PKG VERSION WORKDIR PATTERN...
#       -> prints the unpacked tree's path (WORKDIR/linux-source-X.Y)
# Needs ktstr_debian_archive / ktstr_debian_keyring (debian-archive.sh).

ktstr_linux_source_apt_opts() {
  local aptdir=$1
  printf '%s\n' -q \
    "-oDir::Etc::SourceList=$aptdir/sources.list" -oDir::Etc::SourceParts=/dev/null \
    -oDir::Etc::Preferences=/dev/null -oDir::Etc::PreferencesParts=/dev/null \
    "-oDir::State::Lists=$aptdir/lists" "-oDir::Cache=$aptdir/cache" \
    "-oDir::Cache::Archives=$aptdir/archives" \
    -oAPT::Architecture=amd64 -oAPT::Architectures=amd64 \
    "-oAPT::Sandbox::User=$(id -un)"
}

ktstr_linux_source_version() {
  local aptdir=$1 pkg=$2 line uri key opts=""
  line=$(ktstr_debian_archive) || { echo "no Debian archive entry for this system's suite in /etc/apt" >&2; return 1; }
  uri=${line%% *}
  key=$(ktstr_debian_keyring "${line#* }")
  mkdir -p "$aptdir/lists/partial" "$aptdir/cache" "$aptdir/archives/partial"
  [ "$key" != "-" ] && opts="[signed-by=$key] "
  echo "deb ${opts}$uri sid main" > "$aptdir/sources.list"
  local -a apt_opts
  mapfile -t apt_opts < <(ktstr_linux_source_apt_opts "$aptdir")
  apt-get "${apt_opts[@]}" update >/dev/null 2>"$aptdir/update.err" ||
    { cat "$aptdir/update.err" >&2; echo "apt-get update for sid failed" >&2; return 1; }
  { apt-cache "${apt_opts[@]}" show "$pkg" 2>/dev/null || true; } | sed -n 's/^Version: //p' | sort -V | tail -n1
}

ktstr_linux_source_unpack() {
  local aptdir=$1 pkg=$2 version=$3 work=$4
  shift 4
  local -a apt_opts pats
  mapfile -t apt_opts < <(ktstr_linux_source_apt_opts "$aptdir")
  (cd "$work" && apt-get "${apt_opts[@]}" download "$pkg=$version" >/dev/null) ||
    { echo "apt-get download $pkg failed" >&2; return 1; }
  local deb tarball top p
  deb=$(ls "$work"/"$pkg"_*.deb)
  dpkg -x "$deb" "$work/deb"
  rm -f "$deb"
  tarball=$(ls "$work"/deb/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1)
  [ -n "$tarball" ] || { echo "$pkg holds no /usr/src/linux-source-*.tar.xz" >&2; return 1; }
  top=$(basename "$tarball" .tar.xz)
  for p in "$@"; do pats+=("$top/$p"); done
  # The whole stream is decompressed either way; only the parts asked for
  # are written out.
  tar -xJf "$tarball" -C "$work" --wildcards "${pats[@]}"
  rm -rf "$work/deb"
  echo "$work/$top"
}
