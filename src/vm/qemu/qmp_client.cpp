#include "vm/qemu/qmp_client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

#include "util/error.hpp"

namespace ktstr::vm::qemu {

QmpClient::QmpClient() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) fail_errno("socketpair for QMP");
  ours_.reset(sv[0]);
  theirs_.reset(sv[1]);
}

std::vector<std::string> QmpClient::qemu_args() const {
  return {"-chardev", fmt::format("socket,id=qmp,fd={}", theirs_.get()), "-mon", "chardev=qmp,mode=control"};
}

nlohmann::json QmpClient::read_message(Clock::time_point deadline) {
  while (true) {
    size_t nl = buf_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      try {
        return nlohmann::json::parse(line);
      } catch (const std::exception& e) {
        fail("QMP: unparsable reply '{}': {}", line, e.what());
      }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) fail("QMP: no reply from QEMU in time");
    pollfd p{ours_.get(), POLLIN, 0};
    int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char tmp[8192];
    ssize_t n = ::read(ours_.get(), tmp, sizeof tmp);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("QMP: QEMU closed the monitor (it exited)");
    buf_.append(tmp, static_cast<size_t>(n));
  }
}

void QmpClient::handshake(Clock::time_point deadline) {
  auto greeting = read_message(deadline);
  if (!greeting.contains("QMP")) fail("QMP: unexpected greeting {}", greeting.dump());
  execute("qmp_capabilities", nlohmann::json::object(), deadline);
}

nlohmann::json QmpClient::execute(const std::string& command, const nlohmann::json& args,
                                  Clock::time_point deadline) {
  nlohmann::json cmd{{"execute", command}};
  if (!args.empty()) cmd["arguments"] = args;
  std::string line = cmd.dump() + "\n";
  for (size_t off = 0; off < line.size();) {
    ssize_t n = ::send(ours_.get(), line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("QMP: cannot send {} (QEMU gone)", command);
    off += static_cast<size_t>(n);
  }
  while (true) {
    auto m = read_message(deadline);
    if (m.contains("event")) continue;  // asynchronous; nobody here waits for them
    if (m.contains("return")) return m["return"];
    if (m.contains("error"))
      fail("QMP {}: {}", command, m["error"].value("desc", m["error"].dump()));
  }
}

}  // namespace ktstr::vm::qemu
