// Guest kernel log: /dev/kmsg records, then the sched_ext exit parser over
// whatever records they made.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "guest/kmsg.hpp"
#include "guest/sched_ext_exit.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ktstr::guest;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<KmsgRecord> records;
  for (size_t at = 0; at <= text.size();) {
    size_t nl = text.find('\n', at);
    std::string raw = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at + 1);
    KmsgRecord r;
    if (parse_kmsg_record(raw, &r)) records.push_back(r);
    // Lines that are not records still reach the sched_ext parser as text.
    else records.push_back({6, records.size(), 0, raw});
    if (nl == std::string::npos) break;
    at = nl + 1;
  }
  if (auto e = parse_sched_ext_exit(records)) {
    (void)e->clean();
    (void)e->describe();
  }
  (void)parse_sched_ext_enabled(records);
  return 0;
}
