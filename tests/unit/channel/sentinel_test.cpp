#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "channel/sentinel.hpp"
#include "unit/channel/test_region.hpp"

using namespace ktstr::channel;
using test::bytes_of;
using ::testing::HasSubstr;

namespace {

std::vector<Message> sample_messages() {
  return {
      {MsgType::InitStarted, 0, bytes_of("init v1")},
      {MsgType::Log, 1, bytes_of("line with spaces and \xff\x01 binary")},
      {MsgType::Stage, 2, {}},
      {MsgType::Result, 3, bytes_of(R"({"ok":true,"n":[1,2,3]})")},
      {MsgType::ExitCode, 4, encode_exit_code(-1)},
  };
}

void expect_same(const std::vector<Message>& got, const std::vector<Message>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].type, want[i].type);
    EXPECT_EQ(got[i].seq, want[i].seq);
    EXPECT_EQ(got[i].payload, want[i].payload);
  }
}

}  // namespace

TEST(Sentinel, EncodeFormat) {
  std::string line = encode_sentinel(MsgType::Log, 7, bytes_of("hi"));
  EXPECT_THAT(line, ::testing::StartsWith("KTSTR-MSG 2 7 "));
  EXPECT_THAT(line, ::testing::EndsWith(" aGk=\n"));
}

TEST(Sentinel, RoundTripLineByLine) {
  for (const auto& m : sample_messages()) {
    std::string line = encode_sentinel(m);
    std::string error;
    auto back = parse_sentinel_line(std::string_view(line).substr(0, line.size() - 1), &error);
    ASSERT_TRUE(back) << error;
    expect_same({*back}, {m});
  }
}

TEST(Sentinel, ParsesInterleavedNoiseInArbitraryChunks) {
  auto msgs = sample_messages();
  std::string stream = "[    0.000000] Linux version 6.9\n";
  for (const auto& m : msgs) {
    std::string line = encode_sentinel(m);
    line.insert(line.size() - 1, "\r");  // serial consoles send CRLF
    stream += "some program output\n";
    stream += (m.seq % 2 ? "[    1.234567] " : "") + line;  // printk prefix before the marker
    stream += "partial noise without marker";
    stream += "\n";
  }
  for (size_t chunk : {1, 3, 7, 64, 100000}) {
    SentinelParser parser;
    std::vector<Message> got;
    for (size_t i = 0; i < stream.size(); i += chunk) {
      auto part = parser.feed(std::string_view(stream).substr(i, chunk));
      got.insert(got.end(), part.begin(), part.end());
    }
    expect_same(got, msgs);
    EXPECT_EQ(parser.rejected(), 0u);
    EXPECT_TRUE(parser.take_errors().empty());
  }
}

TEST(Sentinel, CorruptedLineIsRejected) {
  auto msgs = sample_messages();
  std::string bad = encode_sentinel(msgs[3]);
  bad[bad.size() - 5] = bad[bad.size() - 5] == 'A' ? 'B' : 'A';  // still valid base64
  SentinelParser parser;
  auto got = parser.feed(encode_sentinel(msgs[0]) + bad + encode_sentinel(msgs[1]));
  expect_same(got, {msgs[0], msgs[1]});
  EXPECT_EQ(parser.rejected(), 1u);
  auto errors = parser.take_errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("crc mismatch"));
}

TEST(Sentinel, MalformedFieldsAreRejected) {
  for (std::string_view line : {"KTSTR-MSG x 1 00000000 ", "KTSTR-MSG 2 1 123 aGk=", "KTSTR-MSG 2 1 zzzzzzzz aGk=",
                                "KTSTR-MSG 2 1 00000000 aG!=", "KTSTR-MSG 0 1 00000000 ", "KTSTR-MSG 99999 1 0 "}) {
    std::string error;
    EXPECT_FALSE(parse_sentinel_line(line, &error)) << line;
    EXPECT_THAT(error, HasSubstr("sentinel line rejected")) << line;
  }
  std::string error;
  EXPECT_FALSE(parse_sentinel_line("ordinary console text", &error));
  EXPECT_TRUE(error.empty());
}

TEST(Sentinel, FinishParsesUnterminatedLastLine) {
  auto m = sample_messages()[4];
  std::string line = encode_sentinel(m);
  line.pop_back();
  SentinelParser parser;
  EXPECT_TRUE(parser.feed(line).empty());
  auto got = parser.finish();
  expect_same(got, {m});
  EXPECT_EQ(got[0].exit_code(), -1);
}

TEST(Sentinel, EndlessNoiseDoesNotSwallowLaterMessages) {
  auto m = sample_messages()[1];
  std::string line = encode_sentinel(m);
  SentinelParser parser;
  // No newline for 300 kB: the buffer is trimmed, but a marker cut in half
  // at the end of the chunk survives the trim.
  EXPECT_TRUE(parser.feed(std::string(300000, 'x') + line.substr(0, 6)).empty());
  expect_same(parser.feed(line.substr(6)), {m});
  expect_same(parser.feed(std::string(300000, 'y') + "\n" + line), {m});
}
