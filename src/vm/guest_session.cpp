#include "vm/guest_session.hpp"

#include <charconv>

namespace ktstr::vm {
namespace {
// The console is kept whole up to this size, then only its tail.
constexpr size_t kConsoleLimit = 4u << 20;

std::optional<double> parse_uptime(const std::string& text) {
  // InitStarted payload: "uptime=<seconds>"
  auto pos = text.find("uptime=");
  if (pos == std::string::npos) return std::nullopt;
  try {
    return std::stod(text.substr(pos + 7));
  } catch (...) {
    return std::nullopt;
  }
}
}  // namespace

void GuestSession::feed_console(std::string_view data) {
  out_.console.append(data);
  if (out_.console.size() > kConsoleLimit)
    out_.console.erase(0, out_.console.size() - kConsoleLimit / 2);
}

void GuestSession::feed_init_port(std::string_view data) {
  // Protocol lines are whole "KTSTR-MSG ..." lines; everything else is the
  // guest program's output and is passed through as soon as a line is complete.
  for (auto& m : sentinels_.feed(data)) accept(m);
  port_line_.append(data);
  size_t start = 0;
  while (true) {
    size_t nl = port_line_.find('\n', start);
    if (nl == std::string::npos) break;
    emit_output(std::string_view(port_line_.data() + start, nl + 1 - start));
    start = nl + 1;
  }
  port_line_.erase(0, start);
}

void GuestSession::emit_output(std::string_view line) {
  // Output that did not end in a newline before a sentinel shares its line.
  size_t marker = line.find(channel::kSentinelMarker);
  if (marker != std::string_view::npos) line = line.substr(0, marker);
  if (line.empty()) return;
  out_.init_output.append(line);
  if (on_output_) on_output_(line);
}

void GuestSession::finish() {
  for (auto& m : sentinels_.finish()) accept(m);
  emit_output(port_line_);
  port_line_.clear();
}

void GuestSession::poll_ring(uint8_t* region, size_t size) {
  if (!ring_) ring_.emplace(region, size);
  if (!ring_->attached()) return;
  auto batch = ring_->poll();
  for (auto& m : batch.messages) accept(m);
  for (auto& e : batch.errors) out_.channel_errors.push_back(e);
}

void GuestSession::accept(const channel::Message& m) {
  // The guest publishes every message on both paths with the same sequence
  // number; the first copy wins.
  if (!seen_seq_.insert(m.seq).second) return;
  out_.messages.push_back(m);
  switch (m.type) {
    case channel::MsgType::InitStarted:
      out_.guest_init_uptime_s = parse_uptime(m.text());
      break;
    case channel::MsgType::ExitCode:
      if (auto code = m.exit_code()) seen_.guest_exit_code = *code;
      break;
    case channel::MsgType::Stage:
      seen_.last_stage = m.text();
      break;
    case channel::MsgType::Panic:
      seen_.guest_panic_message = m.text();
      break;
    default:
      break;
  }
  if (on_message_) on_message_(m);
}

}  // namespace ktstr::vm
