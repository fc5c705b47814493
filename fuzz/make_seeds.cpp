// Writes a seed corpus for each fuzz target from the real encoders (a ring
// the guest's writer formatted and filled, sentinel lines with valid CRCs),
// so the fuzzers start from deep inside the formats, not from nothing.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "channel/ring_writer.hpp"
#include "channel/sentinel.hpp"

namespace fs = std::filesystem;
using namespace ktstr::channel;

static void put(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  fs::path out = argv[1];
  // Rings: small ones so mutations reach the records, one wrapped around.
  for (size_t size : {1536u, 2048u, 4096u}) {
    std::vector<uint64_t> region(size / 8);
    auto w = RingWriter::format(region.data(), size);
    for (int i = 0; i < 40; ++i)
      if (!w.publish_text(i % 2 ? MsgType::Log : MsgType::Event, "message " + std::to_string(i), {})) break;
    w.publish_exit_code(3, {});
    put(out / "fuzz_ring" / ("ring-" + std::to_string(size)),
        std::string(reinterpret_cast<const char*>(region.data()), size));
  }
  // Sentinels among console noise.
  std::string console = "[    0.1] Linux version 7.2\n";
  console += encode_sentinel(MsgType::InitStarted, 0, std::span<const uint8_t>());
  std::string json = R"({"passed": true})";
  console += "noise " + encode_sentinel(MsgType::Result, 1, {reinterpret_cast<const uint8_t*>(json.data()), json.size()});
  console += encode_sentinel(MsgType::ExitCode, 2, encode_exit_code(0));
  put(out / "fuzz_sentinel" / "console", console);
  return 0;
}
