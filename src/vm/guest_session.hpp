#pragma once
// What the host collects from one running guest: the kernel console, the
// init port (protocol sentinels + program output) and the memory ring.
// Separated from process handling so the merge rules are testable.
#include <functional>
#include <optional>
#include <string>
#include <unordered_set>

#include "channel/ring_reader.hpp"
#include "channel/sentinel.hpp"
#include "vm/outcome.hpp"
#include "vm/vm_spec.hpp"

namespace ktstr::vm {

class GuestSession {
 public:
  using MessageSink = std::function<void(const channel::Message&)>;
  using OutputSink = std::function<void(std::string_view)>;

  GuestSession(MessageSink on_message, OutputSink on_output)
      : on_message_(std::move(on_message)), on_output_(std::move(on_output)) {}

  void feed_console(std::string_view data);
  void feed_init_port(std::string_view data);
  // Drains the memory ring; `region` may still be unformatted (all zero).
  void poll_ring(uint8_t* region, size_t size);
  // Flushes a partial last line of program output.
  void finish();

  bool got_exit_code() const { return seen_.guest_exit_code.has_value(); }
  Observed& observed() { return seen_; }
  VmOutcome& outcome() { return out_; }

 private:
  void accept(const channel::Message& m);
  void emit_output(std::string_view line);

  MessageSink on_message_;
  OutputSink on_output_;
  Observed seen_;
  VmOutcome out_;
  channel::SentinelParser sentinels_;
  std::optional<channel::RingReader> ring_;
  std::string port_line_;
  std::unordered_set<uint32_t> seen_seq_;
};

}  // namespace ktstr::vm
