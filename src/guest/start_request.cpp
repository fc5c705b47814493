#include "guest/start_request.hpp"

#include <fcntl.h>
#include <linux/random.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "channel/mailbox.hpp"
#include "util/error.hpp"
#include "util/fd.hpp"
#include "util/files.hpp"
#include "util/mapping.hpp"

namespace ktstr::guest {
namespace {

std::vector<uint8_t> from_hex(const std::string& hex) {
  std::vector<uint8_t> out;
  if (hex.size() % 2) fail("seed is not hex: odd length");
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    if (std::sscanf(hex.c_str() + i, "%2x", &v) != 1) fail("seed is not hex");
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

// Mixes the seed into the kernel's pool and credits it, then forces the
// crng to reseed from that pool, so getrandom() output differs between
// guests restored from one snapshot. Without RNDRESEEDCRNG the kernel
// (5.18+) keeps serving the restored crng state until its reseed interval
// has passed in guest jiffies, which a restore does not advance: two
// restores then read identical /dev/urandom bytes.
void reseed(const std::string& hex, Publisher& pub) {
  auto seed = from_hex(hex);
  if (seed.empty()) return;
  std::vector<uint8_t> buf(sizeof(rand_pool_info) + seed.size());
  auto* info = reinterpret_cast<rand_pool_info*>(buf.data());
  info->entropy_count = static_cast<int>(seed.size() * 8);
  info->buf_size = static_cast<int>(seed.size());
  std::memcpy(info->buf, seed.data(), seed.size());
  Fd r(::open("/dev/urandom", O_WRONLY | O_CLOEXEC));
  if (!r || ::ioctl(r.get(), RNDADDENTROPY, info) != 0) {
    pub.publish(channel::MsgType::Log, fmt::format("reseeding the RNG failed: {}", std::strerror(errno)));
    return;
  }
  if (::ioctl(r.get(), RNDRESEEDCRNG) != 0)
    pub.publish(channel::MsgType::Log, fmt::format("forcing a crng reseed failed: {}", std::strerror(errno)));
}

void set_clock(int64_t ns, Publisher& pub) {
  if (ns <= 0) return;
  timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  if (::clock_settime(CLOCK_REALTIME, &ts) != 0)
    pub.publish(channel::MsgType::Log, fmt::format("setting the wall clock failed: {}", std::strerror(errno)));
}

std::string wait_for_mailbox(Publisher& pub) {
  auto region = parse_region_arg(try_read_file("/proc/cmdline").value_or(""), "ktstr.mbox=");
  if (!region) fail("no {} in the initramfs and no ktstr.mbox= on the kernel command line", kRequestPath);
  // Reserved with memmap=, like the channel ring, so /dev/mem may map it.
  Fd mem(::open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC));
  if (!mem) fail_errno("open /dev/mem for the request mailbox");
  Mapping map = Mapping::map_fd(mem.get(), region->size, static_cast<off_t>(region->addr));
  std::span<uint8_t> box(map.data(), map.size());
  // The snapshot is taken while we sleep below; restored guests wake up here.
  pub.publish(channel::MsgType::AwaitingRequest, "");
  // Nothing may still be in flight on the ports when the snapshot is taken
  // (the host also waits for this line to arrive whole).
  std::fflush(nullptr);
  pub.drain_port();
  ::tcdrain(STDOUT_FILENO);
  while (true) {
    if (auto payload = channel::mailbox_read(box)) {
      channel::mailbox_clear(box);
      return *payload;
    }
    timespec ts{0, 1000000};  // 1 ms: cheap for an idle TCG guest, quick to notice
    ::nanosleep(&ts, nullptr);
  }
}

}  // namespace

std::string encode_envelope(const StartEnvelope& e) {
  nlohmann::json j{{"request", request_to_json(e.request)}, {"realtime_ns", e.realtime_ns}, {"seed", e.seed_hex}};
  return j.dump();
}

StartEnvelope decode_envelope(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const std::exception& ex) {
    fail("bad request envelope in the mailbox: {}", ex.what());
  }
  if (!j.is_object() || !j.contains("request") || !j["request"].is_string())
    fail("bad request envelope in the mailbox: no request");
  StartEnvelope e;
  e.request = parse_request(j["request"].get<std::string>());
  e.realtime_ns = j.value("realtime_ns", int64_t{0});
  e.seed_hex = j.value("seed", std::string());
  return e;
}

Request obtain_request(Publisher& pub) {
  if (auto text = try_read_file(kRequestPath)) {
    pub.stage(fmt::format("{} (initramfs)", channel::kRequestReceivedStage));
    return parse_request(*text);
  }
  StartEnvelope e = decode_envelope(wait_for_mailbox(pub));
  set_clock(e.realtime_ns, pub);
  reseed(e.seed_hex, pub);
  pub.stage(fmt::format("{} (mailbox)", channel::kRequestReceivedStage));
  return e.request;
}

}  // namespace ktstr::guest
