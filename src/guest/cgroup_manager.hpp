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
  // `extra_controllers` ("pids", "memory") are enabled down the tree too
  // when the hierarchy offers them (a scenario that sets pids.max needs it).
  explicit CgroupManager(std::string root_name = "ktstr", std::filesystem::path mount = {},
                         std::vector<std::string> extra_controllers = {});
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

  // A control file of the cgroup ("cpu.weight"): written with the same
  // retries as every write; a file its parent's controllers do not provide
  // fails with a message saying which controller is missing where.
  void write_control(const std::string& name, const std::string& file, const std::string& value);
  std::string read_control(const std::string& name, const std::string& file) const;
  // cgroup.freeze, then waits (bounded) until cgroup.events reports the
  // new state; throws with what it saw if the kernel never gets there.
  void set_frozen(const std::string& name, bool frozen,
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
  bool frozen(const std::string& name) const;
  // "populated 1" in cgroup.events: tasks in it or below.
  bool populated(const std::string& name) const;

  struct CpuStat {
    uint64_t usage_us = 0, nr_throttled = 0, throttled_us = 0;
  };
  CpuStat cpu_stat(const std::string& name) const;

 private:
  void write(const std::filesystem::path& file, const std::string& value) const;
  void enable_controllers(const std::filesystem::path& dir) const;
  void remove_tree(const std::filesystem::path& dir) const;

  bool has_cpuset() const;

  std::filesystem::path mount_;
  std::filesystem::path root_;
  std::vector<std::string> controllers_{"cpuset", "cpu"};
  std::chrono::milliseconds write_timeout_{2000};
};

}  // namespace ktstr::guest
