#include "workload/report.hpp"

#include <string.h>

#include <nlohmann/json.hpp>

#include "util/error.hpp"

namespace ktstr::workload {
namespace {

constexpr std::pair<ExitKind, std::string_view> kExitNames[] = {
    {ExitKind::Reported, "reported"},       {ExitKind::Failed, "failed"},
    {ExitKind::Exited, "exited"},           {ExitKind::Signaled, "signaled"},
    {ExitKind::Timeout, "timeout"},         {ExitKind::NeverStarted, "never_started"},
    {ExitKind::BadReport, "bad_report"},
};

}  // namespace

std::string_view exit_kind_name(ExitKind k) {
  for (auto& [kind, name] : kExitNames)
    if (kind == k) return name;
  return "unknown";
}

ExitKind parse_exit_kind(std::string_view s) {
  for (auto& [kind, name] : kExitNames)
    if (name == s) return kind;
  fail("unknown worker exit kind '{}'", s);
}

double WorkerReport::off_cpu_fraction() const {
  return wall_time_ns ? static_cast<double>(off_cpu_ns) / static_cast<double>(wall_time_ns) : 0.0;
}

std::string WorkerReport::describe_exit() const {
  std::string s;
  switch (exit_kind) {
    case ExitKind::Reported: s = "reported"; break;
    case ExitKind::Failed: s = "work loop failed"; break;
    case ExitKind::Exited: s = fmt::format("exited with code {} without a report", exit_code); break;
    case ExitKind::Signaled:
      s = fmt::format("killed by signal {} ({})", exit_signal, ::strsignal(exit_signal));
      break;
    case ExitKind::Timeout: s = "did not stop in time; killed"; break;
    case ExitKind::NeverStarted: s = "never started"; break;
    case ExitKind::BadReport: s = "report could not be decoded"; break;
  }
  if (!error.empty()) s += ": " + error;
  return s;
}

WorkerReport sentinel_report(pid_t pid, size_t index, std::string work_type, ExitKind kind,
                             int exit_code, int exit_signal) {
  WorkerReport r;
  r.pid = pid;
  r.index = index;
  r.work_type = std::move(work_type);
  r.completed = false;
  r.exit_kind = kind;
  r.exit_code = exit_code;
  r.exit_signal = exit_signal;
  return r;
}

void to_json(nlohmann::json& j, const SchedstatDelta& s) {
  j = {{"available", s.available},
       {"cpu_time_ns", s.cpu_time_ns},
       {"run_delay_ns", s.run_delay_ns},
       {"run_count", s.run_count}};
}

void from_json(const nlohmann::json& j, SchedstatDelta& s) {
  s.available = j.at("available").get<bool>();
  s.cpu_time_ns = j.at("cpu_time_ns").get<uint64_t>();
  s.run_delay_ns = j.at("run_delay_ns").get<uint64_t>();
  s.run_count = j.at("run_count").get<uint64_t>();
}

void to_json(nlohmann::json& j, const WorkerReport& r) {
  // JSON object keys must be strings, so NUMA nodes become "0", "1", ...
  nlohmann::json numa = nlohmann::json::object();
  for (auto& [node, pages] : r.numa_pages) numa[std::to_string(node)] = pages;
  j = {{"pid", r.pid},
       {"index", r.index},
       {"work_type", r.work_type},
       {"work_units", r.work_units},
       {"iterations", r.iterations},
       {"cpu_time_ns", r.cpu_time_ns},
       {"wall_time_ns", r.wall_time_ns},
       {"off_cpu_ns", r.off_cpu_ns},
       {"migrations", r.migrations},
       {"cpus_used", r.cpus_used},
       {"max_gap_ns", r.max_gap_ns},
       {"max_gap_cpu", r.max_gap_cpu},
       {"max_gap_at_ns", r.max_gap_at_ns},
       {"wake_latencies_ns", r.wake_latencies_ns},
       {"wake_samples_seen", r.wake_samples_seen},
       {"schedstat", r.schedstat},
       {"numa_pages", std::move(numa)},
       {"numa_pages_migrated", r.numa_pages_migrated},
       {"completed", r.completed},
       {"exit_kind", exit_kind_name(r.exit_kind)},
       {"exit_code", r.exit_code},
       {"exit_signal", r.exit_signal},
       {"error", r.error}};
}

void from_json(const nlohmann::json& j, WorkerReport& r) {
  r.pid = j.at("pid").get<pid_t>();
  r.index = j.at("index").get<size_t>();
  r.work_type = j.at("work_type").get<std::string>();
  r.work_units = j.at("work_units").get<uint64_t>();
  r.iterations = j.at("iterations").get<uint64_t>();
  r.cpu_time_ns = j.at("cpu_time_ns").get<uint64_t>();
  r.wall_time_ns = j.at("wall_time_ns").get<uint64_t>();
  r.off_cpu_ns = j.at("off_cpu_ns").get<uint64_t>();
  r.migrations = j.at("migrations").get<uint64_t>();
  r.cpus_used = j.at("cpus_used").get<std::vector<int>>();
  r.max_gap_ns = j.at("max_gap_ns").get<uint64_t>();
  r.max_gap_cpu = j.at("max_gap_cpu").get<int>();
  r.max_gap_at_ns = j.at("max_gap_at_ns").get<uint64_t>();
  r.wake_latencies_ns = j.at("wake_latencies_ns").get<std::vector<uint64_t>>();
  r.wake_samples_seen = j.at("wake_samples_seen").get<uint64_t>();
  r.schedstat = j.at("schedstat").get<SchedstatDelta>();
  r.numa_pages.clear();
  for (auto& [node, pages] : j.at("numa_pages").items())
    r.numa_pages[std::stoi(node)] = pages.get<uint64_t>();
  r.numa_pages_migrated = j.at("numa_pages_migrated").get<uint64_t>();
  r.completed = j.at("completed").get<bool>();
  r.exit_kind = parse_exit_kind(j.at("exit_kind").get<std::string>());
  r.exit_code = j.at("exit_code").get<int>();
  r.exit_signal = j.at("exit_signal").get<int>();
  r.error = j.at("error").get<std::string>();
}

std::vector<uint8_t> encode_report(const WorkerReport& r) {
  return nlohmann::json::to_cbor(nlohmann::json(r));
}

WorkerReport decode_report(const std::vector<uint8_t>& bytes) {
  try {
    return nlohmann::json::from_cbor(bytes).get<WorkerReport>();
  } catch (const nlohmann::json::exception& e) {
    fail("worker report: {}", e.what());
  }
}

}  // namespace ktstr::workload
