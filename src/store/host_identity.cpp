#include "store/host_identity.hpp"

#include <sys/utsname.h>

#include "util/files.hpp"

namespace ktstr::store {

std::string host_kernel_release() {
  struct utsname u {};
  if (::uname(&u) != 0) return "unknown";
  return u.release;
}

std::string host_scheduler_name() {
  auto state = try_read_file("/sys/kernel/sched_ext/state");
  if (state && trim(*state) == "enabled")
    if (auto ops = try_read_file("/sys/kernel/sched_ext/root/ops"); ops && !trim(*ops).empty()) return trim(*ops);
  return "eevdf";
}

}  // namespace ktstr::store
