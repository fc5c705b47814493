#include "guest/mounts.hpp"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/error.hpp"

namespace ktstr::guest {
namespace {
struct MountPoint {
  const char* source;
  const char* target;
  const char* type;
  const char* options;
  bool essential;
};

// Order matters: /sys before the mounts below it.
constexpr MountPoint kMounts[] = {
    {"proc", "/proc", "proc", nullptr, true},
    {"sysfs", "/sys", "sysfs", nullptr, true},
    {"devtmpfs", "/dev", "devtmpfs", nullptr, true},
    {"tmpfs", "/tmp", "tmpfs", "mode=1777", false},
    {"tmpfs", "/run", "tmpfs", "mode=755", false},
    {"cgroup2", "/sys/fs/cgroup", "cgroup2", "nsdelegate", false},
    {"debugfs", "/sys/kernel/debug", "debugfs", nullptr, false},
    {"tracefs", "/sys/kernel/tracing", "tracefs", nullptr, false},
    {"bpf", "/sys/fs/bpf", "bpf", nullptr, false},
};
}  // namespace

std::vector<std::string> mount_all() {
  std::vector<std::string> failed;
  for (const auto& m : kMounts) {
    ::mkdir(m.target, 0755);
    if (::mount(m.source, m.target, m.type, 0, m.options) == 0 || errno == EBUSY) continue;
    std::string what = fmt::format("mount {} on {}: {}", m.type, m.target, std::strerror(errno));
    if (m.essential) fail("{}", what);
    failed.push_back(what);
  }
  return failed;
}

}  // namespace ktstr::guest
