# Sourced by ktstr's scripts: finds the Debian archive this machine's apt uses,
# so other suites (bookworm-backports, sid) can be reached through the same
# mirror without ever writing a mirror host name into the project.
#
#   ktstr_debian_archive [CODENAME]
# prints "URI KEYRING" (KEYRING is "-" when the entry names none) of the first
# enabled "deb" entry for suite CODENAME (default: this system's codename) in
# /etc/apt/sources.list.d/*.sources (deb822) or the one-line .list files.
# Returns 1 when there is none.

ktstr_debian_codename() {
  (. /etc/os-release && echo "${VERSION_CODENAME:-}")
}

ktstr_debian_archive() {
  local want=${1:-$(ktstr_debian_codename)} f line=""
  [ -n "$want" ] || return 1
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    case "$(basename "$f")" in ktstr-*) continue ;; esac
    line=$(awk -v want="$want" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled !~ /^(no|false|0)$/ && uri != "") {
          n = split(suites, s, " ")
          for (i = 1; i <= n; i++) if (s[i] == want) { print uri, (key == "" ? "-" : key); done = 1; exit }
        }
        types = ""; uri = ""; suites = ""; key = ""; enabled = ""
      }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { next }
      {
        k = tolower(substr($0, 1, index($0, ":") - 1)); v = substr($0, index($0, ":") + 1)
        gsub(/^[ \t]+|[ \t]+$/, "", v)
        if (k == "types") types = v
        else if (k == "uris") { split(v, u, " "); uri = u[1] }
        else if (k == "suites") suites = v
        else if (k == "signed-by" && v ~ /^\//) key = v
        else if (k == "enabled") enabled = tolower(v)
      }
      END { if (!done) flush() }' "$f" | head -n1)
    [ -n "$line" ] && { echo "$line"; return 0; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    line=$(awk -v want="$want" '
      { sub(/#.*/, "") }
      $1 == "deb" {
        key = "-"; i = 2
        if ($2 ~ /^\[/) {
          for (; i <= NF; i++) {
            if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) }
            if ($i ~ /\]$/) { i++; break }
          }
        }
        if ($(i + 1) == want) { print $i, key; exit }
      }' "$f")
    [ -n "$line" ] && { echo "$line"; return 0; }
  done
  return 1
}

# The keyring to name in a generated sources entry: the system entry's own,
# else Debian's archive keyring when installed, else "-" (apt's default).
ktstr_debian_keyring() {
  local key=$1
  if [ "$key" = "-" ] && [ -f /usr/share/keyrings/debian-archive-keyring.gpg ]; then
    key=/usr/share/keyrings/debian-archive-keyring.gpg
  fi
  echo "$key"
}
