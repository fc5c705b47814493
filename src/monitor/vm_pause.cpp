#include "monitor/vm_pause.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

namespace ktstr::monitor {
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Field 3 of /proc/<pid>[/task/<tid>]/stat, after the parenthesised comm.
char stat_state(const std::string& stat) {
  size_t r = stat.rfind(')');
  return r == std::string::npos || r + 2 >= stat.size() ? '?' : stat[r + 2];
}

pid_t stat_ppid(const std::string& stat) {
  size_t r = stat.rfind(')');
  if (r == std::string::npos) return -1;
  std::istringstream in(stat.substr(r + 2));
  char state;
  pid_t ppid = -1;
  in >> state >> ppid;
  return ppid;
}

bool maps_inode(pid_t pid, ino_t ino) {
  std::ifstream in(fmt::format("/proc/{}/maps", pid));
  std::string line;
  std::string want = fmt::format(" {} ", ino);
  while (std::getline(in, line))
    if (line.find("memfd:") != std::string::npos && line.find(want) != std::string::npos) return true;
  return false;
}

}  // namespace

std::optional<VmPauser> VmPauser::find(const vm::GuestMemory& mem) {
  auto fds = mem.fds();
  if (fds.empty()) return std::nullopt;
  struct stat st {};
  if (::fstat(fds[0], &st) != 0) return std::nullopt;
  pid_t self = ::getpid();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::stol(name));
    if (pid == self || stat_ppid(slurp(e.path() / "stat")) != self) continue;
    if (maps_inode(pid, st.st_ino)) return VmPauser(pid);
  }
  return std::nullopt;
}

bool VmPauser::all_stopped() const {
  std::error_code ec;
  bool any = false;
  for (const auto& t : fs::directory_iterator(fmt::format("/proc/{}/task", pid_), ec)) {
    char s = stat_state(slurp(t.path() / "stat"));
    if (s != 'T' && s != 't') return false;
    any = true;
  }
  return any;
}

bool VmPauser::pause(std::chrono::milliseconds timeout, std::string* err) {
  if (::kill(pid_, SIGSTOP) != 0) {
    if (err) *err = fmt::format("SIGSTOP to QEMU pid {}: {}", pid_, std::strerror(errno));
    return false;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!all_stopped()) {
    if (std::chrono::steady_clock::now() > deadline) {
      resume();
      if (err) *err = fmt::format("QEMU pid {} did not stop within {} ms", pid_, timeout.count());
      return false;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

void VmPauser::resume() { ::kill(pid_, SIGCONT); }

}  // namespace ktstr::monitor
