#include "initramfs/ld_search.hpp"

#include <glob.h>

#include <set>

#include "util/files.hpp"
#include "util/process.hpp"

namespace ktstr::initramfs {
namespace fs = std::filesystem;
namespace {

// glibc's usual x86_64 system directories (Debian multiarch first), used
// when the loader cannot be asked.
const std::vector<std::string> kDefaultDirs = {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                                               "/lib64", "/lib", "/usr/lib"};

void parse_into(const fs::path& conf, std::vector<fs::path>& out, std::set<fs::path>& seen,
                int depth) {
  if (depth > 8 || !seen.insert(conf).second) return;  // include loops
  auto text = try_read_file(conf);
  if (!text) return;  // ld.so.conf is optional
  for (auto line : split(*text, '\n')) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    if (line.rfind("include", 0) == 0 && line.size() > 7 && (line[7] == ' ' || line[7] == '\t')) {
      for (const auto& pattern : split(trim(line.substr(8)), ' ')) {
        if (pattern.empty()) continue;
        fs::path pat = pattern;
        if (pat.is_relative()) pat = conf.parent_path() / pat;
        glob_t g{};
        if (::glob(pat.c_str(), 0, nullptr, &g) == 0)
          for (size_t i = 0; i < g.gl_pathc; ++i) parse_into(g.gl_pathv[i], out, seen, depth + 1);
        ::globfree(&g);
      }
    } else if (line.rfind("hwcap", 0) == 0) {
      continue;  // obsolete directive, ignored by modern ldconfig
    } else if (line[0] == '/') {
      out.emplace_back(line);
    }
  }
}

}  // namespace

std::vector<fs::path> parse_ld_so_conf(const fs::path& conf) {
  std::vector<fs::path> out;
  std::set<fs::path> seen;
  parse_into(conf, out, seen, 0);
  return out;
}

std::vector<std::string> loader_system_dirs(const fs::path& loader) {
  std::vector<std::string> dirs;
  std::error_code ec;
  if (!fs::exists(loader, ec)) return dirs;
  auto r = run_capture({loader.string(), "--list-diagnostics"}, std::chrono::seconds(10));
  if (!r.status.ok()) return dirs;
  // Lines look like: path.system_dirs[0x0]="/lib/x86_64-linux-gnu/"
  for (const auto& line : split(r.out, '\n')) {
    if (line.rfind("path.system_dirs[", 0) != 0) continue;
    size_t q = line.find('"');
    size_t e = line.rfind('"');
    if (q == std::string::npos || e <= q) continue;
    std::string d = line.substr(q + 1, e - q - 1);
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    dirs.push_back(d);
  }
  return dirs;
}

const LibrarySearch& LibrarySearch::host() {
  static const LibrarySearch s = [] {
    LibrarySearch l;
    l.conf_dirs = parse_ld_so_conf("/etc/ld.so.conf");
    for (const auto& d : kDefaultDirs) l.default_dirs.emplace_back(d);
    l.guest_system_dirs = loader_system_dirs("/lib64/ld-linux-x86-64.so.2");
    if (l.guest_system_dirs.empty()) l.guest_system_dirs = kDefaultDirs;
    return l;
  }();
  return s;
}

}  // namespace ktstr::initramfs
