#pragma once
// One test's record, the shape shared by the store, `ktstr stats` and
// `ktstr report` (contract: docs/record_contract.md). to_json() gives
//   {"id","run_id","started","identity":{test,variant,topology,scheduler,
//    flags,kernel,vmm,commit,work_type},"verdict","seconds","result","host"}
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace ktstr::store {

struct Identity {
  std::string test;        // scenario or KTSTR_TEST name
  std::string variant;     // gauntlet variant, "" if none
  std::string topology;    // e.g. "1n2l2c1t"
  std::string scheduler;   // "eevdf", "host" or the scheduler's name
  std::string flags = "default";  // profile: flags joined by '+'
  std::string kernel;      // kernel release the guest ran
  std::string vmm;         // "qemu" | "kvm" | "host"
  std::string commit;      // ktstr's commit, "-dirty" suffix if the tree was
  std::string work_type;   // --work-type override, "" if none

  nlohmann::json to_json() const;
  static Identity from_json(const nlohmann::json& j);
  // The identity field names, in contract order ("test", "variant", ...).
  static const std::vector<std::string>& fields();
  // The value of one field by name; Error for an unknown name.
  const std::string& get(const std::string& field) const;
  std::string& get(const std::string& field);
};

struct Record {
  int64_t id = 0;          // assigned by the store
  std::string run_id;      // assigned by the store
  std::string started;     // UTC ISO-8601 when the test started
  Identity identity;
  std::string verdict;     // "PASS" | "FAIL" | "SKIP"
  double seconds = 0;
  nlohmann::json result = nlohmann::json::object();  // ScenarioVerdict::to_json()
  nlohmann::json host = nlohmann::json::object();    // host_context()

  nlohmann::json to_json() const;
  // Error (exit 2) naming the missing/mistyped field.
  static Record from_json(const nlohmann::json& j);
};

// "2026-11-30T14:05:12Z" for a system_clock time (now by default).
std::string utc_iso8601(std::chrono::system_clock::time_point t = std::chrono::system_clock::now());

// {"hostname","cpus","load1","ktstr"} of this machine now.
nlohmann::json host_context();

// This process's command line from /proc/self/cmdline, arguments with
// spaces quoted; for RunInfo::command.
std::string current_command_line();

// ktstr's own commit at build time ("bf45f92", "bf45f92-dirty", "unknown"
// outside git).
const char* build_commit();

}  // namespace ktstr::store
