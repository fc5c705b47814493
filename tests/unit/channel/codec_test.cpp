#include <gtest/gtest.h>

#include "channel/base64.hpp"
#include "channel/crc32.hpp"
#include "channel/message.hpp"
#include "unit/channel/test_region.hpp"

using namespace ktstr::channel;
using test::bytes_of;

TEST(Crc32, KnownVectors) {
  EXPECT_EQ(crc32(std::string_view("123456789")), 0xCBF43926u);
  EXPECT_EQ(crc32(std::string_view("")), 0u);
  EXPECT_EQ(crc32(std::string_view("The quick brown fox jumps over the lazy dog")), 0x414FA339u);
}

TEST(Crc32, Incremental) {
  EXPECT_EQ(crc32(std::string_view("6789"), crc32(std::string_view("12345"))), 0xCBF43926u);
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : cases) {
    EXPECT_EQ(base64_encode(bytes_of(plain)), encoded);
    auto back = base64_decode(encoded);
    ASSERT_TRUE(back) << encoded;
    EXPECT_EQ(*back, bytes_of(plain));
  }
}

TEST(Base64, AllByteValuesRoundTrip) {
  std::vector<uint8_t> all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<uint8_t>(i);
  EXPECT_EQ(base64_decode(base64_encode(all)), all);
}

TEST(Base64, RejectsMalformed) {
  for (std::string_view bad : {"Zm9", "Zm=v", "Z!9v", "====", "Zg==Zg==", "Zm9v\n", "=Zm9"})
    EXPECT_FALSE(base64_decode(bad)) << bad;
}

TEST(Message, ExitCodeAndText) {
  Message m{MsgType::ExitCode, 3, encode_exit_code(-7)};
  EXPECT_EQ(m.exit_code(), -7);
  EXPECT_EQ((Message{MsgType::Log, 0, bytes_of("hi")}).text(), "hi");
  EXPECT_FALSE((Message{MsgType::Log, 0, encode_exit_code(1)}).exit_code());
  EXPECT_FALSE((Message{MsgType::ExitCode, 0, bytes_of("abc")}).exit_code());
}

TEST(Protocol, MaxPayloadIsAQuarterOfCapacity) {
  EXPECT_EQ(max_payload(1 << 20), kMaxPayload);
  EXPECT_LE(record_size(max_payload(4096)), 4096u / 4);
  EXPECT_LE(record_size(max_payload(kMinCapacity)), kMinCapacity / 4);
  EXPECT_EQ(type_name(MsgType::Result), "result");
}
