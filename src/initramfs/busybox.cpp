#include "initramfs/busybox.hpp"

#include "initramfs/elf_info.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace ktstr::initramfs {
namespace fs = std::filesystem;

fs::path find_static_busybox() {
  std::vector<fs::path> candidates;
  if (auto p = find_in_path("busybox")) candidates.emplace_back(*p);
  for (const char* p : {"/bin/busybox", "/usr/bin/busybox", "/sbin/busybox", "/usr/sbin/busybox"})
    candidates.emplace_back(p);
  std::string dynamic;
  for (const auto& c : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(c, ec)) continue;
    auto info = try_read_elf_info(c);
    if (info && info->is_static()) return fs::canonical(c);
    if (info && dynamic.empty()) dynamic = c.string();
  }
  if (!dynamic.empty())
    fail("{} is dynamically linked; the guest needs a static busybox: install busybox-static "
         "(e.g. apt-get install busybox-static)",
         dynamic);
  fail("busybox not found; install busybox-static (e.g. apt-get install busybox-static)");
}

std::vector<std::string> busybox_applets(const fs::path& busybox) {
  auto r = run_capture({busybox.string(), "--list"}, std::chrono::seconds(30));
  if (!r.status.ok())
    fail("{} --list failed ({}): {}", busybox.string(), r.status.describe(), trim(r.err));
  std::vector<std::string> applets;
  for (const auto& line : split(r.out, '\n')) {
    std::string a = trim(line);
    // Applet names become file names under /bin; anything odd is not one.
    if (a.empty() || a.find('/') != std::string::npos || a == "." || a == "..") continue;
    applets.push_back(a);
  }
  if (applets.empty()) fail("{} --list printed no applets", busybox.string());
  return applets;
}

}  // namespace ktstr::initramfs
