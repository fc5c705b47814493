// BTF blobs (the .BTF section of a kernel the user hands us, or a BPF
// object's) through the monitor's BTF reader: header check, libbpf's
// validation, then the lookups the monitor makes -- which must stay bounded
// even when a corrupt type contains or points to itself.
#include <cstddef>
#include <cstdint>

#include "monitor/btf_types.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto btf = ktstr::monitor::BtfTypes::from_raw(data, size);
    for (const char* path : {"task_struct.pid", "task_struct.locked", "task_struct.comm", "rq.curr.pid", "task_struct.next.next"})
      (void)btf->try_member(path);
    (void)btf->members("task_struct");
    (void)btf->has_type("rq");
    (void)btf->enum_value("scx_enable_state", "SCX_ENABLED");
    (void)btf->enum_name("scx_enable_state", 1);
    (void)btf->var("timer_bases");
    for (uint32_t id = 0; id < 64; ++id) {
      (void)btf->type_name(id);
      (void)btf->scalar(id);
      (void)btf->datasec_vars(id);
    }
    try {
      (void)btf->size_of("rq");
    } catch (const ktstr::Error&) {
    }
  } catch (const ktstr::Error&) {
    // Refused with a message: what bad input must get.
  }
  return 0;
}
