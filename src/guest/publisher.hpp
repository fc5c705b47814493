#pragma once
// Guest side of the channel: every message goes into the memory ring (the
// host reads it live and after a crash) and as a sentinel line on the init
// serial port (the fallback when the ring could not be mapped).
#include <optional>
#include <string_view>

#include "channel/message.hpp"
#include "channel/ring_writer.hpp"
#include "util/mapping.hpp"

namespace ktstr::guest {

class Publisher {
 public:
  // Parses ktstr.chan=<addr>,<size> from /proc/cmdline and maps the region
  // through /dev/mem; `port_fd` is the init serial port (may be -1).
  static Publisher open(int port_fd);

  void publish(channel::MsgType type, std::string_view payload);
  void stage(std::string_view what) { publish(channel::MsgType::Stage, what); }
  void exit_code(int code);
  // Waits until the init port has transmitted everything written so far.
  void drain_port();
  bool has_ring() const { return ring_.has_value(); }
  const std::string& ring_error() const { return ring_error_; }

 private:
  int port_fd_ = -1;
  Mapping map_;
  std::optional<channel::RingWriter> ring_;
  std::string ring_error_;
  uint32_t next_seq_ = 1;
};

// The channel region named on the kernel command line.
struct ChannelRegion {
  uint64_t addr = 0, size = 0;
};
std::optional<ChannelRegion> parse_channel_arg(std::string_view cmdline);
// Any "<key><addr>,<size>" region argument (e.g. "ktstr.mbox=").
std::optional<ChannelRegion> parse_region_arg(std::string_view cmdline, std::string_view key);

}  // namespace ktstr::guest
