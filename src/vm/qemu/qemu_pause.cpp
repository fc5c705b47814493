#include "vm/qemu/qemu_pause.hpp"

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

namespace ktstr::vm::qemu {
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

}  // namespace

bool QemuPauser::all_stopped() const {
  std::error_code ec;
  bool any = false;
  for (const auto& t : fs::directory_iterator(fmt::format("/proc/{}/task", pid_), ec)) {
    char s = stat_state(slurp(t.path() / "stat"));
    if (s != 'T' && s != 't') return false;
    any = true;
  }
  return any;
}

bool QemuPauser::pause(std::chrono::milliseconds timeout, std::string* err) {
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

void QemuPauser::resume() { ::kill(pid_, SIGCONT); }

}  // namespace ktstr::vm::qemu
