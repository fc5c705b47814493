#include "guest/sched_ext_sysfs.hpp"

#include "util/files.hpp"

namespace ktstr::guest {

std::string sched_ext_state() {
  return trim(try_read_file("/sys/kernel/sched_ext/state").value_or(""));
}

std::string sched_ext_root_ops() {
  return trim(try_read_file("/sys/kernel/sched_ext/root/ops").value_or(""));
}

}  // namespace ktstr::guest
