#include "guest/publisher.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "channel/sentinel.hpp"
#include "util/fd.hpp"
#include "util/files.hpp"

namespace ktstr::guest {
namespace {
// The host drains the ring every 100 ms; a full ring means it is gone or
// stuck, so do not stall the guest for long.
constexpr auto kWaitForSpace = std::chrono::milliseconds(500);

void write_all(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    s.remove_prefix(static_cast<size_t>(n));
  }
}
}  // namespace

std::optional<ChannelRegion> parse_channel_arg(std::string_view cmdline) {
  return parse_region_arg(cmdline, "ktstr.chan=");
}

std::optional<ChannelRegion> parse_region_arg(std::string_view cmdline, std::string_view key) {
  size_t pos = cmdline.find(key);
  if (pos == std::string_view::npos) return std::nullopt;
  std::string val(cmdline.substr(pos + key.size()));
  val = val.substr(0, val.find_first_of(" \n"));
  auto parts = split(val, ',');
  if (parts.size() != 2) return std::nullopt;
  char* end = nullptr;
  ChannelRegion r;
  r.addr = std::strtoull(parts[0].c_str(), &end, 0);
  if (*end) return std::nullopt;
  r.size = std::strtoull(parts[1].c_str(), &end, 0);
  if (*end || r.size == 0) return std::nullopt;
  return r;
}

Publisher Publisher::open(int port_fd) {
  Publisher p;
  p.port_fd_ = port_fd;
  auto region = parse_channel_arg(try_read_file("/proc/cmdline").value_or(""));
  if (!region) {
    p.ring_error_ = "no ktstr.chan= on the kernel command line";
    return p;
  }
  // The region is reserved (memmap=), not System RAM, so /dev/mem may map
  // it even with STRICT_DEVMEM.
  Fd mem(::open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC));
  if (!mem) {
    p.ring_error_ = fmt::format("open /dev/mem: {}", std::strerror(errno));
    return p;
  }
  try {
    p.map_ = Mapping::map_fd(mem.get(), region->size, static_cast<off_t>(region->addr));
    p.ring_.emplace(channel::RingWriter::format(p.map_.data(), p.map_.size()));
  } catch (const std::exception& e) {
    p.ring_error_ = e.what();
  }
  return p;
}

void Publisher::publish(channel::MsgType type, std::string_view payload) {
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(payload.data()), payload.size());
  uint32_t seq = next_seq_;
  if (ring_) {
    // A forked child may have written since our last message.
    ring_->resync();
    seq = ring_->next_seq();
    try {
      ring_->publish(type, bytes, kWaitForSpace);
    } catch (const std::exception&) {
      // Oversized for the ring: the sentinel line below still carries it.
    }
  }
  next_seq_ = seq + 1;
  if (port_fd_ >= 0) write_all(port_fd_, channel::encode_sentinel(type, seq, bytes));
}

void Publisher::drain_port() {
  if (port_fd_ >= 0) ::tcdrain(port_fd_);
}

void Publisher::exit_code(int code) {
  auto bytes = channel::encode_exit_code(code);
  publish(channel::MsgType::ExitCode,
          std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace ktstr::guest
