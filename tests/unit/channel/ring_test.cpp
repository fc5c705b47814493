#include <sys/mman.h>

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <thread>

#include "channel/ring_reader.hpp"
#include "channel/ring_writer.hpp"
#include "unit/channel/test_region.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::channel;
using namespace std::chrono_literals;
using test::bytes_of;
using test::Region;

namespace {

// Deterministic payload for message `i`: length and contents both vary.
std::vector<uint8_t> payload_for(uint32_t i, size_t max_len) {
  std::vector<uint8_t> p((i * 7919u) % (max_len + 1));
  for (size_t k = 0; k < p.size(); ++k) p[k] = static_cast<uint8_t>(i * 31 + k);
  return p;
}

void expect_sequence(const std::vector<Message>& got, uint32_t first, size_t max_len) {
  for (size_t k = 0; k < got.size(); ++k) {
    uint32_t i = first + static_cast<uint32_t>(k);
    ASSERT_EQ(got[k].seq, i);
    ASSERT_EQ(got[k].type, MsgType::Log);
    ASSERT_EQ(got[k].payload, payload_for(i, max_len)) << "message " << i;
  }
}

}  // namespace

TEST(Ring, UnformattedRegionIsSilentlyNotAttached) {
  Region r(8192);
  RingReader reader(r.data(), r.size());
  EXPECT_FALSE(reader.attached());
  EXPECT_TRUE(reader.poll().empty());
}

TEST(Ring, RoundTripSeveralMessages) {
  Region r(64 * 1024);
  auto w = RingWriter::format(r.data(), r.size());
  RingReader reader(r.data(), r.size());
  EXPECT_TRUE(reader.attached());

  EXPECT_TRUE(w.publish_text(MsgType::InitStarted, "init", 0ms));
  EXPECT_TRUE(w.publish_text(MsgType::Log, "hello world", 0ms));
  EXPECT_TRUE(w.publish_text(MsgType::Stage, "", 0ms));
  EXPECT_TRUE(w.publish_text(MsgType::Result, R"({"passed":true})", 0ms));
  EXPECT_TRUE(w.publish_exit_code(42, 0ms));

  auto b = reader.poll();
  EXPECT_TRUE(b.errors.empty());
  ASSERT_EQ(b.messages.size(), 5u);
  EXPECT_EQ(b.messages[0].type, MsgType::InitStarted);
  EXPECT_EQ(b.messages[1].text(), "hello world");
  EXPECT_EQ(b.messages[2].type, MsgType::Stage);
  EXPECT_TRUE(b.messages[2].payload.empty());
  EXPECT_EQ(b.messages[3].text(), R"({"passed":true})");
  EXPECT_EQ(b.messages[4].exit_code(), 42);
  for (uint32_t i = 0; i < 5; ++i) EXPECT_EQ(b.messages[i].seq, i);

  EXPECT_EQ(r.header().tail, r.header().head);  // consumed space handed back
  EXPECT_EQ(r.header().seq, 5u);
  EXPECT_TRUE(reader.poll().empty());
  EXPECT_FALSE(reader.stalled());
}

TEST(Ring, FormatRejectsBadRegions) {
  Region r(8192);
  EXPECT_KTSTR_ERROR(RingWriter::format(r.data(), 100), "region of 100 bytes is too small (need at least 1088)");
  EXPECT_KTSTR_ERROR(RingWriter::format(r.bytes() + 4, 4096), "is not 8-byte aligned");
  EXPECT_KTSTR_ERROR(RingReader(r.bytes() + 4, 4096), "is not 8-byte aligned");
}

TEST(Ring, OversizedPayloadThrows) {
  Region r(8192);
  auto w = RingWriter::format(r.data(), r.size());
  std::vector<uint8_t> big(w.max_payload() + 1);
  EXPECT_KTSTR_ERROR(w.publish(MsgType::Log, big, 0ms), "log message of 2009 bytes exceeds the 2008-byte limit");
  big.pop_back();
  EXPECT_TRUE(w.publish(MsgType::Log, big, 0ms));
}

TEST(Ring, WrapAroundWithPadRecords) {
  Region r(kDataOffset + 4096);
  auto w = RingWriter::format(r.data(), r.size());
  RingReader reader(r.data(), r.size());
  const size_t max_len = w.max_payload();
  const uint32_t n = 5000;
  uint32_t received = 0;
  for (uint32_t i = 0; i < n; ++i) {
    // Read only now and then, so the ring is often nearly full at the wrap.
    if (!w.publish(MsgType::Log, payload_for(i, max_len), 0ms)) {
      auto b = reader.poll();
      ASSERT_TRUE(b.errors.empty()) << b.errors.front();
      expect_sequence(b.messages, received, max_len);
      received += static_cast<uint32_t>(b.messages.size());
      ASSERT_TRUE(w.publish(MsgType::Log, payload_for(i, max_len), 0ms));
    }
  }
  auto b = reader.poll();
  ASSERT_TRUE(b.errors.empty());
  expect_sequence(b.messages, received, max_len);
  received += static_cast<uint32_t>(b.messages.size());
  EXPECT_EQ(received, n);
  EXPECT_GT(w.head(), 100 * w.capacity());  // wrapped many times
  EXPECT_EQ(reader.writer_dropped(), w.dropped());
}

TEST(Ring, ConcurrentWriterAndReader) {
  Region r(kDataOffset + 16 * 1024);
  auto w = RingWriter::format(r.data(), r.size());
  RingReader reader(r.data(), r.size());
  const size_t max_len = 700;
  const uint32_t n = 20000;
  std::thread writer([&] {
    for (uint32_t i = 0; i < n; ++i) ASSERT_TRUE(w.publish(MsgType::Log, payload_for(i, max_len), 10s));
  });
  uint32_t received = 0;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (received < n && std::chrono::steady_clock::now() < deadline) {
    auto b = reader.poll();
    ASSERT_TRUE(b.errors.empty()) << b.errors.front();
    expect_sequence(b.messages, received, max_len);
    received += static_cast<uint32_t>(b.messages.size());
    if (b.messages.empty()) std::this_thread::yield();
  }
  writer.join();
  EXPECT_EQ(received, n);
  EXPECT_EQ(reader.writer_dropped(), 0u);
}

TEST(Ring, FullRingDropsAfterWaitThenRecovers) {
  Region r(kDataOffset + 2048);
  auto w = RingWriter::format(r.data(), r.size());
  std::vector<uint8_t> p(100, 'x');
  uint32_t published = 0;
  while (w.publish(MsgType::Log, p, 0ms)) ++published;
  EXPECT_GT(published, 10u);
  EXPECT_EQ(w.dropped(), 1u);

  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(w.publish(MsgType::Log, p, 30ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
  EXPECT_EQ(r.header().dropped, 2u);

  RingReader reader(r.data(), r.size());
  EXPECT_EQ(reader.writer_dropped(), 2u);
  auto b = reader.poll();
  EXPECT_TRUE(b.errors.empty());
  EXPECT_EQ(b.messages.size(), published);  // dropped messages use no sequence numbers
  EXPECT_TRUE(w.publish_text(MsgType::Log, "after", 0ms));
  b = reader.poll();
  ASSERT_EQ(b.messages.size(), 1u);
  EXPECT_EQ(b.messages[0].text(), "after");
  EXPECT_EQ(b.messages[0].seq, published);
}

TEST(Ring, WriterWaitsForLiveReader) {
  Region r(kDataOffset + 2048);
  auto w = RingWriter::format(r.data(), r.size());
  std::vector<uint8_t> p(100, 'x');
  while (w.publish(MsgType::Log, p, 0ms)) {
  }
  RingReader reader(r.data(), r.size());
  std::thread late_reader([&] {
    std::this_thread::sleep_for(20ms);
    reader.poll();
  });
  EXPECT_TRUE(w.publish(MsgType::Log, p, 5s));
  late_reader.join();
}

TEST(Ring, PostMortemReadDoesNotWriteTail) {
  Region r(64 * 1024);
  auto w = RingWriter::format(r.data(), r.size());
  for (int i = 0; i < 10; ++i) w.publish_text(MsgType::Log, "line " + std::to_string(i), 0ms);

  // A live reader consumed the first 10 before the "crash".
  RingReader live(r.data(), r.size());
  live.poll();
  for (int i = 10; i < 13; ++i) w.publish_text(MsgType::Log, "line " + std::to_string(i), 0ms);
  const uint64_t tail = r.header().tail;

  for (int pass = 0; pass < 2; ++pass) {  // repeatable: nothing is consumed
    RingReader post(r.data(), r.size(), /*update_tail=*/false);
    auto b = post.poll();
    EXPECT_TRUE(b.errors.empty());
    ASSERT_EQ(b.messages.size(), 3u);
    EXPECT_EQ(b.messages[0].text(), "line 10");
    EXPECT_EQ(r.header().tail, tail);
  }
}

TEST(Ring, PostMortemReadFromReadOnlyMapping) {
  const size_t size = 64 * 1024;
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  auto w = RingWriter::format(p, size);
  w.publish_text(MsgType::Panic, "Kernel panic - not syncing", 0ms);
  ASSERT_EQ(mprotect(p, size, PROT_READ), 0);  // any write by the reader would fault
  RingReader post(p, size, false);
  auto b = post.poll();
  ASSERT_EQ(b.messages.size(), 1u);
  EXPECT_EQ(b.messages[0].type, MsgType::Panic);
  munmap(p, size);
}

TEST(Ring, WrapLayoutPadRecordAndImplicitGap) {
  Region r(kDataOffset + 1024);
  auto w = RingWriter::format(r.data(), r.size());
  RingReader reader(r.data(), r.size());
  std::vector<uint8_t> p200(200), p88(88), p8(8);
  for (int i = 0; i < 4; ++i) w.publish(MsgType::Log, p200, 0ms);  // 4 x 224 bytes
  w.publish(MsgType::Log, p88, 0ms);                                // 112: 1008 used
  EXPECT_EQ(reader.poll().messages.size(), 5u);

  // 16 bytes left: too small for a Pad header, skipped implicitly.
  ASSERT_TRUE(w.publish(MsgType::Log, p8, 0ms));
  EXPECT_EQ(w.head(), 1024u + record_size(8));
  auto b = reader.poll();
  ASSERT_EQ(b.messages.size(), 1u);
  EXPECT_EQ(b.messages[0].seq, 5u);

  // Fill up to 1024 + 32 + 896 = 1952; 96 bytes left: an explicit Pad.
  for (int i = 0; i < 4; ++i) w.publish(MsgType::Log, p200, 0ms);
  EXPECT_EQ(reader.poll().messages.size(), 4u);
  ASSERT_TRUE(w.publish(MsgType::Log, p200, 0ms));
  auto* pad = reinterpret_cast<const MsgHeader*>(r.data_at(1952 - 1024));
  EXPECT_EQ(pad->magic, kMsgMagic);
  EXPECT_EQ(pad->type, static_cast<uint16_t>(MsgType::Pad));
  EXPECT_EQ(pad->length, 96u - sizeof(MsgHeader));
  b = reader.poll();
  EXPECT_TRUE(b.errors.empty());
  ASSERT_EQ(b.messages.size(), 1u);
  EXPECT_EQ(b.messages[0].seq, 10u);
  EXPECT_EQ(reader.cursor(), 2048u + record_size(200));
}
