#include "store/record.hpp"

#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include "ktstr/version.hpp"
#include "util/error.hpp"

namespace ktstr::store {

const std::vector<std::string>& Identity::fields() {
  static const std::vector<std::string> f{"test",   "variant", "topology", "scheduler", "flags",
                                          "kernel", "vmm",     "commit",   "work_type"};
  return f;
}

std::string& Identity::get(const std::string& field) {
  if (field == "test") return test;
  if (field == "variant") return variant;
  if (field == "topology") return topology;
  if (field == "scheduler") return scheduler;
  if (field == "flags") return flags;
  if (field == "kernel") return kernel;
  if (field == "vmm") return vmm;
  if (field == "commit") return commit;
  if (field == "work_type") return work_type;
  fail("unknown identity field '{}'", field);
}

const std::string& Identity::get(const std::string& field) const { return const_cast<Identity*>(this)->get(field); }

nlohmann::json Identity::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : fields()) j[f] = get(f);
  return j;
}

Identity Identity::from_json(const nlohmann::json& j) {
  if (!j.is_object()) fail("record identity is not a JSON object");
  Identity id;
  for (const auto& f : fields()) {
    auto it = j.find(f);
    if (it == j.end()) continue;  // absent: default ("" / "default")
    if (!it->is_string()) fail("record identity field '{}' is not a string", f);
    id.get(f) = it->get<std::string>();
  }
  return id;
}

nlohmann::json Record::to_json() const {
  return {{"id", id},         {"run_id", run_id},   {"started", started}, {"identity", identity.to_json()},
          {"verdict", verdict}, {"seconds", seconds}, {"result", result},   {"host", host}};
}

Record Record::from_json(const nlohmann::json& j) {
  if (!j.is_object()) fail("a record is not a JSON object");
  auto str = [&](const char* k) -> std::string {
    auto it = j.find(k);
    if (it == j.end() || it->is_null()) return {};
    if (!it->is_string()) fail("record field '{}' is not a string", k);
    return it->get<std::string>();
  };
  Record r;
  if (auto it = j.find("id"); it != j.end() && it->is_number_integer()) r.id = it->get<int64_t>();
  r.run_id = str("run_id");
  r.started = str("started");
  if (auto it = j.find("identity"); it != j.end()) r.identity = Identity::from_json(*it);
  r.verdict = str("verdict");
  if (auto it = j.find("seconds"); it != j.end()) {
    if (!it->is_number()) fail("record field 'seconds' is not a number");
    r.seconds = it->get<double>();
  }
  if (auto it = j.find("result"); it != j.end()) r.result = *it;
  if (auto it = j.find("host"); it != j.end()) r.host = *it;
  return r;
}

std::string utc_iso8601(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json host_context() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) name[0] = 0;
  double load[1] = {0};
  if (::getloadavg(load, 1) < 1) load[0] = 0;
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  return {{"hostname", name}, {"cpus", cpus > 0 ? cpus : 0}, {"load1", load[0]}, {"ktstr", KTSTR_VERSION_STRING}};
}

}  // namespace ktstr::store
