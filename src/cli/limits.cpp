#include "cli/limits.hpp"

#include <fstream>
#include <string>

#include "util/error.hpp"

namespace ktstr::cli {

void check_memory_fits_host(uint64_t memory_mb) {
  if (memory_mb == 0) return;  // the default follows the topology
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kb = 0;
  while (in >> key >> kb) {
    if (key == "MemTotal:") break;
    in.ignore(1 << 10, '\n');
    kb = 0;
  }
  if (kb && memory_mb > kb / 1024)
    fail("--memory-mb {}: more than this host's {} MiB of RAM", memory_mb, kb / 1024);
}

}  // namespace ktstr::cli
