// `ktstr cleanup`: reclaims what a run killed with SIGKILL could not clean
// up itself. Everything else (QEMU, workers, memfds) dies with ktstr: child
// processes have PR_SET_PDEATHSIG and guest RAM is a memfd. What outlives
// it: a --host run's cgroup ktstr-<pid> and half-written cache files
// (<name>.tmp.<pid>.<n>, kernel staging directories). Only entries whose
// owning process is gone are touched, so concurrent runs are safe.
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "cli/command.hpp"
#include "guest/cgroup_manager.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::cli {
namespace {
namespace fs = std::filesystem;

bool alive(long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH); }

// "<prefix><digits>" -> digits.
std::optional<long> pid_after(const std::string& s, const std::string& prefix) {
  if (s.rfind(prefix, 0) != 0 || s.size() == prefix.size()) return std::nullopt;
  std::string digits = s.substr(prefix.size());
  digits = digits.substr(0, digits.find('.'));
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
    return std::nullopt;
  return std::stol(digits);
}

std::optional<fs::path> cgroup2_mount() {
  std::ifstream in("/proc/mounts");
  std::string dev, dir, type, rest;
  while (in >> dev >> dir >> type && std::getline(in, rest))
    if (type == "cgroup2") return fs::path(dir);
  return std::nullopt;
}

int cleanup(bool dry_run) {
  int reclaimed = 0;
  auto report = [&](const std::string& what) {
    std::printf("%s %s\n", dry_run ? "would remove" : "removed", what.c_str());
    ++reclaimed;
  };
  if (auto mnt = cgroup2_mount()) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(*mnt, ec)) {
      auto pid = pid_after(e.path().filename().string(), "ktstr-");
      if (!pid || alive(*pid) || !e.is_directory()) continue;
      // The manager's constructor clears a leftover tree and its destructor
      // removes it (killing any task still inside): exactly a reclaim.
      if (!dry_run) {
        guest::CgroupManager reclaim(e.path().filename().string(), *mnt);
      }
      report("cgroup " + e.path().string());
    }
  }
  const fs::path cache = cache_root();
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(cache, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string name = it->path().filename().string();
    auto at = name.find(".tmp.");
    bool stale_tmp = at != std::string::npos && pid_after(name.substr(at), ".tmp.") &&
                     !alive(*pid_after(name.substr(at), ".tmp."));
    // Staging directories carry no pid (mkdtemp): one untouched for an hour
    // belongs to a fetch that was killed, not to one still running.
    std::error_code tec;
    bool staging = name.rfind(".staging-", 0) == 0 &&
                   fs::last_write_time(it->path(), tec) < fs::file_time_type::clock::now() - std::chrono::hours(1) && !tec;
    if (!stale_tmp && !staging) continue;
    const bool dir = it->is_directory();
    if (dir) it.disable_recursion_pending();
    if (!dry_run) {
      std::error_code rm;
      fs::remove_all(it->path(), rm);
      if (rm) fail("remove {}: {}", it->path().string(), rm.message());
    }
    report(it->path().string());
  }
  if (!reclaimed) std::printf("nothing to clean up\n");
  return kExitPass;
}

}  // namespace

void add_cleanup_command(CLI::App& app, Action& selected) {
  auto dry_run = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("cleanup", "Remove what killed runs left behind (host cgroups, partial cache files)");
  sub->add_flag("--dry-run", *dry_run, "Only print what would be removed");
  sub->callback([&selected, dry_run] { selected = [dry_run] { return cleanup(*dry_run); }; });
}

}  // namespace ktstr::cli
