#pragma once
// cgroup v2 under one ktstr root (/sys/fs/cgroup/ktstr in a guest,
// /sys/fs/cgroup/ktstr-<pid> on a host): create nested groups, set cpusets,
// move tasks, drain and remove. Every write is retried on transient errors
// for a bounded time and fails with a message naming the file.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace ktstr::guest {

class CgroupManager {
 public:
  // Creates `root` (relative to the cgroup2 mount) and enables the cpuset
  // and cpu controllers down to it. The destructor removes the whole tree,
  // killing whatever still runs in it.
  // `mount` empty: the first cgroup2 mount in /proc/mounts (on hybrid v1/v2
  // hosts that is /sys/fs/cgroup/unified, often without controllers).
  explicit CgroupManager(std::string root_name = "ktstr", std::filesystem::path mount = {});
  ~CgroupManager();
  CgroupManager(const CgroupManager&) = delete;
  CgroupManager& operator=(const CgroupManager&) = delete;

  // Relative names ("cg_0", "cg_1/sub_a") map to paths under the root.
  std::filesystem::path path(const std::string& name) const;
  const std::filesystem::path& root() const { return root_; }
  bool exists(const std::string& name) const;

  // Creates the cgroup and its parents (enabling controllers on the way).
  void create(const std::string& name);
  void set_cpus(const std::string& name, const std::string& cpulist);  // "" clears
  void set_mems(const std::string& name, const std::string& nodelist);
  std::string effective_cpus(const std::string& name) const;
  void move_task(const std::string& name, pid_t pid);
  // Moves every process of `from` into `to`; returns how many moved.
  size_t move_all(const std::string& from, const std::string& to);
  std::vector<pid_t> procs(const std::string& name) const;
  // Kills all tasks in the cgroup (and below), waits for it to empty, then
  // removes it bottom-up.
  void remove(const std::string& name);

 private:
  void write(const std::filesystem::path& file, const std::string& value) const;
  void enable_controllers(const std::filesystem::path& dir) const;
  void remove_tree(const std::filesystem::path& dir) const;

  bool has_cpuset() const;

  std::filesystem::path mount_;
  std::filesystem::path root_;
  std::chrono::milliseconds write_timeout_{2000};
};

}  // namespace ktstr::guest
