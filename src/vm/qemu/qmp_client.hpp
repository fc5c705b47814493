#pragma once
// A minimal QMP (QEMU Machine Protocol) client over a socketpair handed to
// QEMU as `-chardev socket,fd=N` — no socket file to create or clean up.
// Used by the snapshot paths (stop, migrate, migrate-incoming, cont).
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/fd.hpp"

namespace ktstr::vm::qemu {

class QmpClient {
 public:
  using Clock = std::chrono::steady_clock;
  QmpClient();

  int qemu_fd() const { return theirs_.get(); }  // keep open in the QEMU child
  std::vector<std::string> qemu_args() const;    // -chardev ... -mon ...
  void close_qemu_end() { theirs_.reset(); }     // after the spawn

  // Reads the greeting and negotiates capabilities. Throws Error.
  void handshake(Clock::time_point deadline);
  // Runs one command and returns its "return" value; Error with QEMU's
  // description on an "error" reply, on EOF (QEMU died) or at the deadline.
  nlohmann::json execute(const std::string& command, const nlohmann::json& args, Clock::time_point deadline);

 private:
  nlohmann::json read_message(Clock::time_point deadline);
  Fd ours_, theirs_;
  std::string buf_;
};

}  // namespace ktstr::vm::qemu
