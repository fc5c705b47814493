#include <gtest/gtest.h>

#include <vector>

#include "channel/ring_writer.hpp"
#include "channel/sentinel.hpp"
#include "vm/guest_session.hpp"

using namespace ktstr;
using namespace ktstr::vm;

namespace {
std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
}  // namespace

TEST(GuestSession, ProgramOutputPassesThroughAndSentinelsAreHidden) {
  std::string shown;
  std::vector<channel::Message> msgs;
  GuestSession s([&](const channel::Message& m) { msgs.push_back(m); },
                 [&](std::string_view t) { shown += t; });
  std::string stream = "hello\n" + channel::encode_sentinel(channel::MsgType::Stage, 0, bytes("boot")) +
                       "partial";
  s.feed_init_port(stream.substr(0, 9));
  s.feed_init_port(stream.substr(9));
  s.feed_init_port(channel::encode_sentinel(channel::MsgType::ExitCode, 1, channel::encode_exit_code(5)));
  s.finish();
  EXPECT_EQ(shown, "hello\npartial");
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_TRUE(s.got_exit_code());
  EXPECT_EQ(*s.observed().guest_exit_code, 5);
  EXPECT_EQ(s.observed().last_stage, "boot");
}

TEST(GuestSession, RingAndSentinelCopiesAreDeliveredOnce) {
  std::vector<uint64_t> region(4096);
  auto w = channel::RingWriter::format(region.data(), region.size() * 8);
  w.publish_text(channel::MsgType::InitStarted, "uptime=2.50", std::chrono::milliseconds(0));
  w.publish_exit_code(0, std::chrono::milliseconds(0));

  std::vector<channel::Message> msgs;
  GuestSession s([&](const channel::Message& m) { msgs.push_back(m); }, nullptr);
  s.poll_ring(reinterpret_cast<uint8_t*>(region.data()), region.size() * 8);
  s.feed_init_port(channel::encode_sentinel(channel::MsgType::InitStarted, 0, bytes("uptime=2.50")));
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_DOUBLE_EQ(*s.outcome().guest_init_uptime_s, 2.5);
  EXPECT_TRUE(s.got_exit_code());
}

TEST(GuestSession, UnformattedRingIsIgnored) {
  std::vector<uint64_t> region(1024, 0);
  GuestSession s(nullptr, nullptr);
  s.poll_ring(reinterpret_cast<uint8_t*>(region.data()), region.size() * 8);
  EXPECT_TRUE(s.outcome().messages.empty());
  EXPECT_TRUE(s.outcome().channel_errors.empty());
}
