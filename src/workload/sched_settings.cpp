#include "workload/sched_settings.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"

namespace ktstr::workload {

int SchedPolicy::linux_policy() const {
  switch (kind) {
    case Kind::Normal: return SCHED_OTHER;
    case Kind::Batch: return SCHED_BATCH;
    case Kind::Idle: return SCHED_IDLE;
    case Kind::Fifo: return SCHED_FIFO;
    case Kind::Rr: return SCHED_RR;
  }
  return SCHED_OTHER;
}

std::string SchedPolicy::name() const {
  switch (kind) {
    case Kind::Normal: return "normal";
    case Kind::Batch: return "batch";
    case Kind::Idle: return "idle";
    case Kind::Fifo: return fmt::format("fifo({})", priority);
    case Kind::Rr: return fmt::format("rr({})", priority);
  }
  return "?";
}

void SchedPolicy::validate() const {
  if (realtime() && (priority < 1 || priority > 99))
    fail("scheduling policy {}: priority must be 1..99", name());
}

void apply_policy(pid_t pid, const SchedPolicy& p) {
  p.validate();
  sched_param sp{};
  sp.sched_priority = p.realtime() ? p.priority : 0;
  if (::sched_setscheduler(pid, p.linux_policy(), &sp) != 0)
    fail_errno(fmt::format("worker pid {}: sched_setscheduler({})", pid, p.name()));
}

void apply_nice(pid_t pid, int nice) {
  if (nice < -20 || nice > 19) fail("worker pid {}: nice {} out of range -20..19", pid, nice);
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(pid), nice) != 0)
    fail_errno(fmt::format("worker pid {}: setpriority(nice {})", pid, nice));
}

void apply_affinity(pid_t pid, const CpuList& cpus) {
  if (cpus.empty()) fail("worker pid {}: empty affinity set", pid);
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t c : cpus) {
    if (c >= CPU_SETSIZE) fail("worker pid {}: CPU {} out of range (cpu_set_t holds 0-{})", pid, c, CPU_SETSIZE - 1);
    CPU_SET(c, &set);
  }
  if (::sched_setaffinity(pid, sizeof set, &set) != 0)
    fail_errno(fmt::format("worker pid {}: sched_setaffinity({} CPUs)", pid, cpus.size()));
}

void apply_settings(pid_t pid, const WorkerSettings& s) {
  // Affinity last, like the caller's "cgroup move, then affinity" order;
  // nice and policy are independent of each other.
  if (s.nice) apply_nice(pid, *s.nice);
  if (s.policy.kind != SchedPolicy::Kind::Normal) apply_policy(pid, s.policy);
  if (s.affinity) apply_affinity(pid, *s.affinity);
}

CpuList get_affinity(pid_t pid) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(pid, sizeof set, &set) != 0)
    fail_errno(fmt::format("sched_getaffinity(pid {})", pid));
  CpuList out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) out.push_back(static_cast<uint32_t>(c));
  return out;
}

void apply_mempolicy_self(const MemPolicySetting& m) {
  // Raw syscall: libnuma is not needed for one call. maxnode counts bits
  // of the mask (the kernel reads maxnode - 1 of them).
  const unsigned long mask = m.nodemask;
  const unsigned long maxnode = m.nodemask ? 65 : 0;
  if (::syscall(SYS_set_mempolicy, m.mode | static_cast<int>(m.flags), m.nodemask ? &mask : nullptr, maxnode) != 0)
    fail_errno(fmt::format("set_mempolicy({})", m.describe));
}

}  // namespace ktstr::workload
