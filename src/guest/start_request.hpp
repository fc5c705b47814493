#pragma once
// Where guest init gets its run request. A cold boot finds it in the
// initramfs (/ktstr/request.json). A guest booted to become a snapshot has
// none: it announces AwaitingRequest and polls the mailbox region
// (ktstr.mbox= on the command line); every guest restored from that
// snapshot wakes up in this loop and takes its own request from there.
// The mailbox envelope also carries the host's wall clock and a fresh RNG
// seed, so restored guests do not all share the snapshot's time and
// entropy pool.
#include <cstdint>
#include <string>

#include "guest/publisher.hpp"
#include "guest/request.hpp"

namespace ktstr::guest {

struct StartEnvelope {
  Request request;
  int64_t realtime_ns = 0;  // host CLOCK_REALTIME when the request was sent
  std::string seed_hex;     // 32 random bytes, hex
};

std::string encode_envelope(const StartEnvelope& e);
StartEnvelope decode_envelope(const std::string& text);  // throws Error on bad input

// The request from the initramfs, or (no request file) from the mailbox
// after announcing AwaitingRequest; applies the envelope's clock and seed.
Request obtain_request(Publisher& pub);

}  // namespace ktstr::guest
