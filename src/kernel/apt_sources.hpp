#pragma once
// Reads the machine's own apt sources to learn where the Debian archive is.
// ktstr never names a mirror itself (ENVIRONMENT.md): whatever mirror, proxy
// or snapshot the machine is configured for is the one kernels come from.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::kernel {

struct AptSource {
  std::vector<std::string> types;  // "deb", "deb-src"
  std::vector<std::string> uris;
  std::vector<std::string> suites;
  std::vector<std::string> components;
  std::map<std::string, std::string> options;  // lower-cased keys: "signed-by", "arch", ...
  bool enabled = true;
};

// deb822 format (/etc/apt/sources.list.d/*.sources): stanzas separated by
// blank lines, '#' comment lines allowed anywhere, continuation lines.
std::vector<AptSource> parse_deb822_sources(std::string_view text);
// One-line format (/etc/apt/sources.list, *.list):
//   deb [opt=val ...] URI suite [component...]
std::vector<AptSource> parse_one_line_sources(std::string_view text);

struct ArchiveLocation {
  std::string uri;      // e.g. "http://<mirror>/debian" as configured
  std::string keyring;  // Signed-By of that entry if it is a file, else ""
};

// The main Debian archive among `sources`: a "deb" entry whose suites are
// plain release names (not -security/-updates/-backports), preferring known
// Debian codenames and the Debian archive keyring. nullopt if none.
std::optional<ArchiveLocation> pick_debian_archive(const std::vector<AptSource>& sources);

// Reads <etc_apt>/sources.list, sources.list.d/*.list and *.sources and
// picks the archive. $KTSTR_APT_URI overrides (for a local mirror or
// snapshot). Throws Error naming the files read if nothing fits.
ArchiveLocation system_debian_archive(const std::filesystem::path& etc_apt = "/etc/apt");

}  // namespace ktstr::kernel
