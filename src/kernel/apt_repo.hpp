#pragma once
// A private apt configuration for one Debian suite. It reuses the machine's
// apt binaries, keyring, proxy settings and archive URI, but keeps its own
// sources.list, package lists and download cache, so fetching a kernel from
// another suite (sid) never changes what the system's apt sees.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/apt_sources.hpp"
#include "kernel/debian_packages.hpp"

namespace ktstr::kernel {

// The one-line sources.list entry for `suite` of `archive`.
std::string sources_list_line(const ArchiveLocation& archive, const std::string& suite);

// Option set that points apt at `state_dir` instead of the system state.
std::vector<std::string> private_apt_options(const std::filesystem::path& state_dir);

class AptRepo {
 public:
  // Prepares <state_dir>/{sources.list,lists,cache,archives}.
  AptRepo(std::filesystem::path state_dir, ArchiveLocation archive, std::string suite);

  const std::string& suite() const { return suite_; }
  const ArchiveLocation& archive() const { return archive_; }

  // `apt-get update` for the private sources. Throws Error with apt's own
  // messages if the suite's package list could not be fetched.
  void update();
  // Records (name, version, size) of packages whose name matches an
  // apt-cache regex — one apt-cache run, as each run costs ~0.8 s.
  std::vector<PackageRecord> find_packages(std::string_view regex) const;
  // `apt-get download` into `dir` (one apt run for all: each run costs
  // ~0.8 s of start-up); returns the .deb paths in `packages` order.
  std::vector<std::filesystem::path> download(const std::vector<std::string>& packages,
                                              const std::filesystem::path& dir) const;

 private:
  std::vector<std::string> command(const char* tool, const std::vector<std::string>& args) const;

  std::filesystem::path dir_;
  ArchiveLocation archive_;
  std::string suite_;
};

// `dpkg -x deb dest`: unpacks without installing or running scripts.
void dpkg_extract(const std::filesystem::path& deb, const std::filesystem::path& dest);

}  // namespace ktstr::kernel
