#include "channel/mailbox.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace ktstr::channel;

TEST(Mailbox, RoundTripsAPayload) {
  std::vector<uint8_t> region(4096);
  ASSERT_TRUE(mailbox_write(region, "{\"request\":1}"));
  auto got = mailbox_read(region);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "{\"request\":1}");
}

TEST(Mailbox, EmptyRegionHoldsNothing) {
  std::vector<uint8_t> region(4096);
  EXPECT_FALSE(mailbox_read(region));
}

TEST(Mailbox, ClearedMessageIsNotTakenTwice) {
  std::vector<uint8_t> region(4096);
  ASSERT_TRUE(mailbox_write(region, "once"));
  mailbox_clear(region);
  EXPECT_FALSE(mailbox_read(region));
}

TEST(Mailbox, CorruptPayloadIsRejectedByItsCrc) {
  std::vector<uint8_t> region(4096);
  ASSERT_TRUE(mailbox_write(region, "payload"));
  region[kMailboxHeaderSize + 2] ^= 0x20;
  EXPECT_FALSE(mailbox_read(region));
}

TEST(Mailbox, LengthBeyondTheRegionIsRejected) {
  std::vector<uint8_t> region(64);
  ASSERT_TRUE(mailbox_write(region, "ab"));
  region[8] = 0xff;  // length field (little-endian) now far beyond 64 bytes
  EXPECT_FALSE(mailbox_read(region));
}

TEST(Mailbox, PayloadThatDoesNotFitIsRefused) {
  std::vector<uint8_t> region(kMailboxHeaderSize + 4);
  EXPECT_TRUE(mailbox_write(region, "1234"));
  EXPECT_FALSE(mailbox_write(region, "12345"));
  std::vector<uint8_t> tiny(8);
  EXPECT_FALSE(mailbox_write(tiny, ""));
}
