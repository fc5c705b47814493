#include "guest/cgroup_manager.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/files.hpp"

namespace ktstr::guest {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {
// Errors a cgroup write can hit while the kernel is still settling (tasks
// exiting, a migration in flight).
bool transient(int e) { return e == EBUSY || e == EAGAIN || e == EINTR; }
}  // namespace

namespace {
fs::path find_cgroup2_mount() {
  std::istringstream in(try_read_file("/proc/mounts").value_or(""));
  std::string dev, dir, type;
  std::string rest;
  while (in >> dev >> dir >> type && std::getline(in, rest))
    if (type == "cgroup2") return dir;
  fail("no cgroup v2 hierarchy is mounted (ktstr needs cgroup2; see /proc/mounts)");
}
}  // namespace

CgroupManager::CgroupManager(std::string root_name, fs::path mount, std::vector<std::string> extra_controllers)
    : mount_(mount.empty() ? find_cgroup2_mount() : std::move(mount)), root_(mount_ / root_name) {
  for (auto& c : extra_controllers)
    if (std::find(controllers_.begin(), controllers_.end(), c) == controllers_.end()) controllers_.push_back(c);
  if (!fs::exists(mount_ / "cgroup.controllers"))
    fail("{} is not a cgroup v2 mount (no cgroup.controllers)", mount_.string());
  std::error_code ec;
  if (fs::exists(root_)) remove_tree(root_);  // leftover from a crashed run
  fs::create_directory(root_, ec);
  if (ec) fail("create cgroup {}: {}", root_.string(), ec.message());
  enable_controllers(mount_);
  enable_controllers(root_);
}

CgroupManager::~CgroupManager() {
  try {
    remove_tree(root_);
  } catch (...) {
    // Destructors must not throw; a leftover tree is removed by the next run.
  }
}

fs::path CgroupManager::path(const std::string& name) const {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos)
    fail("bad cgroup name '{}': must be relative, like cg_0 or cg_1/sub_a", name);
  return root_ / name;
}

bool CgroupManager::exists(const std::string& name) const { return fs::exists(path(name)); }

void CgroupManager::write(const fs::path& file, const std::string& value) const {
  auto deadline = Clock::now() + write_timeout_;
  while (true) {
    Fd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
    int err = 0;
    if (!fd) {
      err = errno;
    } else {
      ssize_t n = ::write(fd.get(), value.data(), value.size());
      if (n == static_cast<ssize_t>(value.size())) return;
      err = n < 0 ? errno : EIO;
    }
    if (!transient(err) || Clock::now() >= deadline)
      fail("write '{}' to {}: {}", value, file.string(), std::strerror(err));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void CgroupManager::enable_controllers(const fs::path& dir) const {
  auto available = split(trim(try_read_file(dir / "cgroup.controllers").value_or("")), ' ');
  for (const auto& c : controllers_) {
    if (std::find(available.begin(), available.end(), c) == available.end()) continue;
    write(dir / "cgroup.subtree_control", "+" + c);
  }
}

void CgroupManager::create(const std::string& name) {
  fs::path target = path(name);
  fs::path dir = root_;
  for (const auto& part : fs::relative(target, root_)) {
    dir /= part;
    if (!fs::exists(dir)) {
      if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) fail_errno("create cgroup " + dir.string());
    }
    if (dir != target) enable_controllers(dir);
  }
}

bool CgroupManager::has_cpuset() const {
  return trim(try_read_file(mount_ / "cgroup.controllers").value_or("")).find("cpuset") != std::string::npos;
}

void CgroupManager::set_cpus(const std::string& name, const std::string& cpulist) {
  if (!has_cpuset())
    fail("cgroup {}: the cpuset controller is not available in the cgroup v2 hierarchy at {} "
         "(on this host it is probably bound to cgroup v1); scenarios with cpusets need cgroup v2 cpuset",
         name, mount_.string());
  write(path(name) / "cpuset.cpus", cpulist.empty() ? "\n" : cpulist);
}

void CgroupManager::set_mems(const std::string& name, const std::string& nodelist) {
  write(path(name) / "cpuset.mems", nodelist.empty() ? "\n" : nodelist);
}

std::string CgroupManager::effective_cpus(const std::string& name) const {
  return trim(read_file(path(name) / "cpuset.cpus.effective"));
}

void CgroupManager::move_task(const std::string& name, pid_t pid) {
  write(path(name) / "cgroup.procs", std::to_string(pid));
}

std::vector<pid_t> CgroupManager::procs(const std::string& name) const {
  std::vector<pid_t> out;
  std::istringstream in(try_read_file(path(name) / "cgroup.procs").value_or(""));
  pid_t p;
  while (in >> p) out.push_back(p);
  return out;
}

size_t CgroupManager::move_all(const std::string& from, const std::string& to) {
  size_t moved = 0;
  for (pid_t p : procs(from)) {
    try {
      move_task(to, p);
      ++moved;
    } catch (const Error&) {
      if (::kill(p, 0) == 0) throw;  // a task that exited meanwhile is fine
    }
  }
  return moved;
}

void CgroupManager::remove(const std::string& name) { remove_tree(path(name)); }

void CgroupManager::write_control(const std::string& name, const std::string& file, const std::string& value) {
  fs::path f = path(name) / file;
  if (!fs::exists(f)) {
    // Controller files appear only when the parent enables the controller
    // in its cgroup.subtree_control.
    std::string controller = file.substr(0, file.find('.'));
    fs::path parent = path(name).parent_path();
    fail("cgroup {}: cannot set {}: the {} controller is not enabled in its parent {} (cgroup.subtree_control: "
         "'{}', available there: '{}')",
         name, file, controller, parent.string(), trim(try_read_file(parent / "cgroup.subtree_control").value_or("")),
         trim(try_read_file(parent / "cgroup.controllers").value_or("")));
  }
  write(f, value);
}

std::string CgroupManager::read_control(const std::string& name, const std::string& file) const {
  return trim(read_file(path(name) / file));
}

namespace {
// "key value" lines (cgroup.events, cpu.stat).
std::optional<uint64_t> keyed_value(const std::string& text, std::string_view key) {
  std::istringstream in(text);
  std::string k;
  uint64_t v;
  while (in >> k >> v)
    if (k == key) return v;
  return std::nullopt;
}
}  // namespace

bool CgroupManager::frozen(const std::string& name) const {
  return keyed_value(try_read_file(path(name) / "cgroup.events").value_or(""), "frozen").value_or(0) == 1;
}

bool CgroupManager::populated(const std::string& name) const {
  return keyed_value(try_read_file(path(name) / "cgroup.events").value_or(""), "populated").value_or(0) == 1;
}

void CgroupManager::set_frozen(const std::string& name, bool frozen_state, std::chrono::milliseconds timeout) {
  write_control(name, "cgroup.freeze", frozen_state ? "1" : "0");
  auto deadline = Clock::now() + timeout;
  while (frozen(name) != frozen_state) {
    if (Clock::now() >= deadline)
      fail("cgroup {}: cgroup.events still says frozen {} {:.1f} s after writing cgroup.freeze = {}", name,
           frozen_state ? 0 : 1, timeout.count() / 1000.0, frozen_state ? 1 : 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

CgroupManager::CpuStat CgroupManager::cpu_stat(const std::string& name) const {
  std::string text = try_read_file(path(name) / "cpu.stat").value_or("");
  CpuStat s;
  s.usage_us = keyed_value(text, "usage_usec").value_or(0);
  s.nr_throttled = keyed_value(text, "nr_throttled").value_or(0);
  s.throttled_us = keyed_value(text, "throttled_usec").value_or(0);
  return s;
}

void CgroupManager::remove_tree(const fs::path& dir) const {
  if (!fs::exists(dir)) return;
  // cgroup.kill (5.14+) kills every task below in one write.
  if (fs::exists(dir / "cgroup.kill")) {
    try {
      write(dir / "cgroup.kill", "1");
    } catch (const Error&) {
    }
  }
  std::vector<fs::path> children;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory()) children.push_back(e.path());
  for (const auto& c : children) remove_tree(c);
  auto deadline = Clock::now() + write_timeout_;
  while (::rmdir(dir.c_str()) != 0) {
    if (errno == ENOENT) return;
    if (!transient(errno) || Clock::now() >= deadline)
      fail_errno("remove cgroup " + dir.string() + " (tasks still inside?)");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace ktstr::guest
