#pragma once
// Kernel log records from /dev/kmsg (every level, whatever `quiet` hides
// from the console), read without blocking.
#include <cstdint>
#include <string>
#include <vector>

#include "util/fd.hpp"

namespace ktstr::guest {

struct KmsgRecord {
  int level = 6;
  uint64_t seq = 0;
  uint64_t usec = 0;   // since boot
  std::string text;
};

// One /dev/kmsg record: "<prio>,<seq>,<usec>,<flags>[,...];<text>\n" plus
// optional " KEY=value" continuation lines (ignored). Pure; unit-tested.
bool parse_kmsg_record(const std::string& raw, KmsgRecord* out);

class KmsgReader {
 public:
  // Starts at the end of the log (only new records) or at its beginning.
  explicit KmsgReader(bool from_start = false);
  // Everything logged since the last call.
  std::vector<KmsgRecord> read_new();

 private:
  Fd fd_;
};

}  // namespace ktstr::guest
