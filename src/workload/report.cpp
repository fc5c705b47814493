#include "workload/report.hpp"

#include <string.h>

#include <charconv>
#include <type_traits>

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

// What a field must hold, for the message when it does not.
template <typename T>
constexpr std::string_view expected_kind() {
  if constexpr (std::is_same_v<T, bool>) return "a boolean";
  else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) return "a non-negative integer";
  else if constexpr (std::is_integral_v<T>) return "an integer";
  else if constexpr (std::is_same_v<T, std::string>) return "a string";
  else if constexpr (std::is_same_v<T, CpuList>) return "an array of CPU numbers";
  else return "an array of non-negative integers";
}

// nlohmann converts a negative integer to an unsigned type silently.
bool negative_in(const nlohmann::json& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) return true;
  if (v.is_array())
    for (const auto& e : v)
      if (e.is_number_integer() && !e.is_number_unsigned()) return true;
  return false;
}

std::string shown(const nlohmann::json& v) {
  std::string s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

[[noreturn]] void wrong_type(std::string_view prefix, const char* key, const nlohmann::json& v,
                             std::string_view expected) {
  fail("worker report field '{}{}' is {} ({}), not {}", prefix, key, v.type_name(), shown(v), expected);
}

// Every field is read through here, so a malformed report names the field
// and what is wrong with it instead of passing on nlohmann's exception text
// ("[json.exception.type_error.302] type must be number, but is string").
template <typename T>
T field(const nlohmann::json& j, std::string_view prefix, const char* key) {
  if (!j.is_object()) {
    if (prefix.empty()) fail("worker report is {} ({}), not an object", j.type_name(), shown(j));
    fail("worker report field '{}' is {} ({}), not an object", prefix.substr(0, prefix.size() - 1), j.type_name(), shown(j));
  }
  auto it = j.find(key);
  if (it == j.end()) fail("worker report field '{}{}' is missing", prefix, key);
  auto wrong = [&] { wrong_type(prefix, key, *it, expected_kind<T>()); };
  if constexpr (!std::is_same_v<T, bool> && !std::is_same_v<T, std::string>) {
    if constexpr (std::is_unsigned_v<T> || !std::is_integral_v<T>)
      if (negative_in(*it)) wrong();
    if constexpr (std::is_integral_v<T>)
      if (!it->is_number()) wrong();  // nlohmann would take a boolean as 0/1
  }
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    wrong_type(prefix, key, *it, expected_kind<T>());
  }
}

// "[json.exception.parse_error.110] parse error at byte 1: ..." without the
// library's tag, which means nothing to a user.
std::string reason(const nlohmann::json::exception& e) {
  std::string s = e.what();
  if (s.rfind("[json.exception.", 0) == 0)
    if (auto p = s.find("] "); p != std::string::npos) s.erase(0, p + 2);
  return s;
}

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
  s.available = field<bool>(j, "schedstat.", "available");
  s.cpu_time_ns = field<uint64_t>(j, "schedstat.", "cpu_time_ns");
  s.run_delay_ns = field<uint64_t>(j, "schedstat.", "run_delay_ns");
  s.run_count = field<uint64_t>(j, "schedstat.", "run_count");
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
  r.pid = field<pid_t>(j, "", "pid");
  r.index = field<size_t>(j, "", "index");
  r.work_type = field<std::string>(j, "", "work_type");
  r.work_units = field<uint64_t>(j, "", "work_units");
  r.iterations = field<uint64_t>(j, "", "iterations");
  r.cpu_time_ns = field<uint64_t>(j, "", "cpu_time_ns");
  r.wall_time_ns = field<uint64_t>(j, "", "wall_time_ns");
  r.off_cpu_ns = field<uint64_t>(j, "", "off_cpu_ns");
  r.migrations = field<uint64_t>(j, "", "migrations");
  r.cpus_used = field<CpuList>(j, "", "cpus_used");
  r.max_gap_ns = field<uint64_t>(j, "", "max_gap_ns");
  r.max_gap_cpu = field<int>(j, "", "max_gap_cpu");
  r.max_gap_at_ns = field<uint64_t>(j, "", "max_gap_at_ns");
  r.wake_latencies_ns = field<std::vector<uint64_t>>(j, "", "wake_latencies_ns");
  r.wake_samples_seen = field<uint64_t>(j, "", "wake_samples_seen");
  if (!j.contains("schedstat")) fail("worker report field 'schedstat' is missing");
  r.schedstat = j["schedstat"].get<SchedstatDelta>();
  if (!j.contains("numa_pages")) fail("worker report field 'numa_pages' is missing");
  const nlohmann::json& numa = j["numa_pages"];
  if (!numa.is_object()) fail("worker report field 'numa_pages' is {}, not an object", numa.type_name());
  r.numa_pages.clear();
  for (auto& [node, pages] : numa.items()) {
    int n = -1;
    auto [end, ec] = std::from_chars(node.data(), node.data() + node.size(), n);
    if (node.empty() || ec != std::errc() || end != node.data() + node.size() || n < 0)
      fail("worker report field 'numa_pages' has key '{}', not a NUMA node number", node);
    r.numa_pages[n] = field<uint64_t>(numa, "numa_pages.", node.c_str());
  }
  r.numa_pages_migrated = field<uint64_t>(j, "", "numa_pages_migrated");
  r.completed = field<bool>(j, "", "completed");
  const std::string kind = field<std::string>(j, "", "exit_kind");
  try {
    r.exit_kind = parse_exit_kind(kind);
  } catch (const Error& e) {
    fail("worker report field 'exit_kind': {}", e.what());
  }
  r.exit_code = field<int>(j, "", "exit_code");
  r.exit_signal = field<int>(j, "", "exit_signal");
  r.error = field<std::string>(j, "", "error");
}

std::vector<uint8_t> encode_report(const WorkerReport& r) {
  return nlohmann::json::to_cbor(nlohmann::json(r));
}

WorkerReport decode_report(const std::vector<uint8_t>& bytes) {
  if (bytes.empty()) fail("worker report is empty (the worker wrote none)");
  nlohmann::json j;
  try {
    j = nlohmann::json::from_cbor(bytes);
  } catch (const nlohmann::json::exception& e) {
    // A worker killed mid-write leaves a truncated report: say so plainly.
    fail("worker report ({} bytes) is not valid CBOR: {}", bytes.size(), reason(e));
  }
  return j.get<WorkerReport>();  // field errors name the field (field<T>)
}

}  // namespace ktstr::workload
