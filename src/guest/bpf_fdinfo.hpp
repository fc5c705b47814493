#pragma once
// What the guest itself knows about a process's BPF programs: every
// /proc/<pid>/fd entry that is a bpf-prog, with the kernel's own figures
// from /proc/<pid>/fdinfo/<fd> (prog_id, prog_type, verified_insns,
// run_cnt, run_time_ns). Used to cross-check the host monitor, which reads
// the same programs from guest memory.
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string_view>

namespace ktstr::guest {

// [{"fd":N,"prog_id":..,"prog_type":..,"verified_insns":..,...}], sorted by
// prog_id; empty when the process is gone.
nlohmann::json bpf_programs_of(pid_t pid);
// One fdinfo text -> its numeric "key:\tvalue" fields.
nlohmann::json parse_fdinfo(std::string_view text);

}  // namespace ktstr::guest
