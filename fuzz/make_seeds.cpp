// Writes a seed corpus for each fuzz target from the real encoders (a ring
// the guest's writer formatted and filled, sentinel lines with valid CRCs),
// so the fuzzers start from deep inside the formats, not from nothing; BTF
// blobs built with libbpf's writer, shaped like the kernel types the monitor
// looks up.
#include <bpf/btf.h>

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
  // BTF: ints, a typedef, a struct with an anonymous union, an array, a
  // pointer, an enum and a variable -- what member()/enum_value()/var() walk.
  for (int variant = 0; variant < 3; ++variant) {
    struct btf* b = btf__new_empty();
    int u32 = btf__add_int(b, "unsigned int", 4, 0);
    int s32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
    int chr = btf__add_int(b, "char", 1, BTF_INT_CHAR);
    int pid_t_ = btf__add_typedef(b, "pid_t", s32);
    int comm = btf__add_array(b, u32, chr, 16);
    int uni = btf__add_union(b, nullptr, 4);
    btf__add_field(b, "locked", u32, 0, 0);
    int task = btf__add_struct(b, "task_struct", 32);
    btf__add_field(b, "pid", pid_t_, 0, 0);
    btf__add_field(b, nullptr, uni, 32, 0);
    btf__add_field(b, "comm", comm, 64, 0);
    if (variant > 0) btf__add_field(b, "next", btf__add_ptr(b, task), 192, 0);
    int rq = btf__add_struct(b, "rq", 16);
    btf__add_field(b, "nr_running", u32, 0, 0);
    btf__add_field(b, "curr", btf__add_ptr(b, task), 64, 0);
    btf__add_enum(b, "scx_enable_state", 4);
    btf__add_enum_value(b, "SCX_DISABLED", 0);
    btf__add_enum_value(b, "SCX_ENABLED", 1);
    if (variant > 1) btf__add_var(b, "timer_bases", BTF_VAR_GLOBAL_ALLOCATED, btf__add_array(b, u32, rq, 3));
    (void)s32;
    uint32_t size = 0;
    const void* raw = btf__raw_data(b, &size);
    put(out / "fuzz_btf" / ("types-" + std::to_string(variant)), std::string(static_cast<const char*>(raw), size));
    btf__free(b);
  }
  return 0;
}
