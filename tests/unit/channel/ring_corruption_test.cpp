// The region is guest memory: a crashed or hostile guest can leave anything
// there. The reader must report, never crash or read outside the region.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "channel/ring_reader.hpp"
#include "channel/ring_writer.hpp"
#include "unit/channel/test_region.hpp"

using namespace ktstr::channel;
using namespace std::chrono_literals;
using test::Region;
using ::testing::HasSubstr;

namespace {

// A formatted ring holding "m0", "m1", "m2" (each record 32 bytes).
struct ThreeMessages {
  Region r{8192};
  RingWriter w = RingWriter::format(r.data(), r.size());
  ThreeMessages() {
    for (const char* s : {"m0", "m1", "m2"}) w.publish_text(MsgType::Log, s, 0ms);
  }
  static constexpr uint64_t kRecord = record_size(2);
  MsgHeader& msg(int i) { return *reinterpret_cast<MsgHeader*>(r.data_at(i * kRecord)); }
};

std::string all_errors(const ReadBatch& b) {
  std::string s;
  for (auto& e : b.errors) s += e + "\n";
  return s;
}

}  // namespace

TEST(RingCorruption, FlippedPayloadByteIsCrcMismatch) {
  ThreeMessages t;
  t.r.data_at(ThreeMessages::kRecord + sizeof(MsgHeader))[0] ^= 0x20;
  RingReader reader(t.r.data(), t.r.size());
  auto b = reader.poll();
  ASSERT_EQ(b.messages.size(), 1u);
  EXPECT_EQ(b.messages[0].text(), "m0");
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_THAT(b.errors[0], HasSubstr("corrupt record at offset 0x60"));
  EXPECT_THAT(b.errors[0], HasSubstr("crc mismatch"));
  EXPECT_TRUE(reader.stalled());
  EXPECT_EQ(t.r.header().tail, ThreeMessages::kRecord);  // stops at the bad record

  auto again = reader.poll();  // stuck, but does not repeat the report
  EXPECT_TRUE(again.messages.empty());
  EXPECT_TRUE(again.errors.empty());
}

TEST(RingCorruption, HeadAdvancedOverUnwrittenRecord) {
  ThreeMessages t;
  t.r.header().head += 64;  // as if the guest died between head and body
  RingReader reader(t.r.data(), t.r.size());
  auto b = reader.poll();
  EXPECT_EQ(b.messages.size(), 3u);
  ASSERT_EQ(b.errors.size(), 1u);
  EXPECT_THAT(b.errors[0], HasSubstr("bad magic 0x00000000"));
}

TEST(RingCorruption, HalfWrittenHeader) {
  ThreeMessages t;
  t.msg(2).length = 0;  // second word of the header never landed
  t.msg(2).seq = 0;
  RingReader reader(t.r.data(), t.r.size());
  auto b = reader.poll();
  EXPECT_EQ(b.messages.size(), 2u);
  EXPECT_THAT(all_errors(b), HasSubstr("crc mismatch"));
}

TEST(RingCorruption, StaleRecordHasWrongSequence) {
  ThreeMessages t;
  std::memcpy(&t.msg(2), &t.msg(0), ThreeMessages::kRecord);  // valid CRC, old seq
  RingReader reader(t.r.data(), t.r.size());
  auto b = reader.poll();
  EXPECT_EQ(b.messages.size(), 2u);
  EXPECT_THAT(all_errors(b), HasSubstr("sequence 0 where 2 was expected"));
}

TEST(RingCorruption, HugeLengthIsBounded) {
  ThreeMessages t;
  t.msg(1).length = 0xFFFFFFFF;
  RingReader reader(t.r.data(), t.r.size());
  auto b = reader.poll();
  EXPECT_EQ(b.messages.size(), 1u);
  EXPECT_THAT(all_errors(b), HasSubstr("exceeds the maximum payload"));
}

TEST(RingCorruption, RecordPastHead) {
  ThreeMessages t;
  t.r.header().head -= 8;
  RingReader reader(t.r.data(), t.r.size());
  auto b = reader.poll();
  EXPECT_EQ(b.messages.size(), 2u);
  EXPECT_THAT(all_errors(b), HasSubstr("extends past head"));
}

TEST(RingCorruption, BadPadLength) {
  Region r(kDataOffset + 1024);
  auto w = RingWriter::format(r.data(), r.size());
  std::vector<uint8_t> p(200);
  w.publish(MsgType::Log, p, 0ms);  // 224 bytes
  w.publish(MsgType::Log, p, 0ms);
  w.publish(MsgType::Log, p, 0ms);
  w.publish(MsgType::Log, p, 0ms);  // 896 bytes used
  RingReader reader(r.data(), r.size());
  reader.poll();
  w.publish(MsgType::Log, p, 0ms);  // pads 128 bytes, wraps
  reinterpret_cast<MsgHeader*>(r.data_at(896))->length -= 8;
  auto b = reader.poll();
  EXPECT_TRUE(b.messages.empty());
  EXPECT_THAT(all_errors(b), HasSubstr("pad length"));
}

TEST(RingCorruption, BadMagicAndVersionAreReported) {
  Region r(8192);
  RingWriter::format(r.data(), r.size());
  r.header().version = 9;
  RingReader reader(r.data(), r.size());
  EXPECT_FALSE(reader.attached());
  EXPECT_THAT(all_errors(reader.poll()), HasSubstr("version 9, expected 1"));
  r.header().magic = 0xDEADBEEF;
  EXPECT_THAT(all_errors(reader.poll()), HasSubstr("magic 0xdeadbeef"));
}

TEST(RingCorruption, DataAreaBeyondRegion) {
  Region r(8192);
  RingWriter::format(r.data(), r.size());
  r.header().data_capacity = 1ull << 62;
  RingReader reader(r.data(), r.size());
  EXPECT_THAT(all_errors(reader.poll()), HasSubstr("exceeds the 8192-byte region"));
  r.header().data_capacity = 4096;
  r.header().data_offset = ~0ull - 7;  // would overflow a naive offset + capacity
  EXPECT_THAT(all_errors(reader.poll()), HasSubstr("exceeds the 8192-byte region"));
}

TEST(RingCorruption, GeometryChangeAfterAttach) {
  ThreeMessages t;
  RingReader reader(t.r.data(), t.r.size());
  reader.poll();
  t.r.header().data_capacity -= 8;
  EXPECT_THAT(all_errors(reader.poll()), HasSubstr("geometry changed"));
}

TEST(RingCorruption, HeadBehindTail) {
  ThreeMessages t;
  t.r.header().tail = t.r.header().head + 8;
  RingReader reader(t.r.data(), t.r.size());
  auto b = reader.poll();
  EXPECT_THAT(all_errors(b), HasSubstr("inconsistent with head"));
  EXPECT_EQ(b.messages.size(), 3u);  // never wrapped: read from the start
}

TEST(RingCorruption, HeadMovesBackwards) {
  ThreeMessages t;
  RingReader reader(t.r.data(), t.r.size());
  reader.poll();
  t.r.header().head = 8;
  EXPECT_THAT(all_errors(reader.poll()), HasSubstr("moved behind the read position"));
}

TEST(RingCorruption, HeadFarBeyondCapacity) {
  ThreeMessages t;
  RingReader reader(t.r.data(), t.r.size(), false);
  reader.poll();
  t.r.header().head = 1ull << 60;
  auto b = reader.poll();
  EXPECT_THAT(all_errors(b), HasSubstr("lapped the reader"));
  EXPECT_EQ(b.lost_bytes, (1ull << 60) - 3 * ThreeMessages::kRecord);
  EXPECT_TRUE(b.messages.empty());
}

TEST(RingCorruption, LappedReadOnlyReaderResyncsAtTail) {
  Region r(kDataOffset + 1024);
  auto w = RingWriter::format(r.data(), r.size());
  RingReader observer(r.data(), r.size(), false);  // never frees space
  RingReader consumer(r.data(), r.size());
  observer.poll();  // attaches at stream byte 0
  std::vector<uint8_t> p(100);
  for (int i = 0; i < 30; ++i) {
    w.publish(MsgType::Log, p, 0ms);
    consumer.poll();
  }
  auto b = observer.poll();
  EXPECT_GT(b.lost_bytes, 0u);
  EXPECT_THAT(all_errors(b), HasSubstr("lapped the reader"));
  EXPECT_EQ(observer.cursor(), r.header().tail);
  EXPECT_FALSE(observer.stalled());
}

// Random garbage everywhere, with a plausible header some of the time: the
// reader must stay inside the region (run under ASan to check) and not hang.
TEST(RingCorruption, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(12345);
  const uint64_t interesting[] = {0, 8, 64, 1024, 4096, 4096 - 64, 8192, 1ull << 32, ~0ull, ~0ull - 7};
  auto pick = [&] { return rng() % 2 ? interesting[rng() % std::size(interesting)] : rng() % 10000; };
  for (int iter = 0; iter < 3000; ++iter) {
    Region r(4096);
    for (size_t i = 0; i < r.size(); ++i) r.bytes()[i] = static_cast<uint8_t>(rng());
    RingHeader& h = r.header();
    if (iter % 4 != 0) {
      h.magic = kRingMagic;
      h.version = kRingVersion;
      h.data_offset = iter % 3 ? kDataOffset : pick();
      h.data_capacity = iter % 5 ? 4096 - kDataOffset : pick();
      h.head = pick();
      h.tail = pick();
    }
    if (iter % 2) {  // some intact-looking record magics to get deeper
      for (size_t off = kDataOffset; off + 4 <= r.size(); off += 8 * (1 + rng() % 8))
        std::memcpy(r.bytes() + off, &kMsgMagic, 4);
    }
    RingReader reader(r.data(), r.size(), iter % 3 == 0);
    for (int k = 0; k < 3; ++k) {
      auto b = reader.poll();
      for (auto& m : b.messages) ASSERT_LE(m.payload.size(), kMaxPayload);
      h.head += rng() % 512;
    }
  }
}

TEST(RingCorruption, UnalignedHeadOrTail) {
  ThreeMessages t;
  t.r.header().tail = 3;
  RingReader reader(t.r.data(), t.r.size());
  auto b = reader.poll();
  EXPECT_THAT(all_errors(b), HasSubstr("tail 3 is inconsistent"));
  EXPECT_EQ(b.messages.size(), 3u);
  t.r.header().head += 5;
  EXPECT_THAT(all_errors(reader.poll()), HasSubstr("not 8-byte aligned"));
  EXPECT_TRUE(reader.stalled());
}
