#include "report/records.hpp"

#include <filesystem>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::report {
using nlohmann::json;

namespace {

const char* const kIdentityFields[] = {"test", "variant", "topology", "scheduler", "flags",
                                       "kernel", "vmm", "commit", "work_type"};

// `ktstr run --json` names the scheduler as "fixture [default]" or
// "EEVDF (kernel default)"; the record wants name and profile apart.
void split_scheduler(const std::string& s, std::string& name, std::string& flags) {
  flags = "default";
  name = s;
  if (s.empty() || s.rfind("EEVDF", 0) == 0) {
    name = "eevdf";
    return;
  }
  if (auto open = s.find(" ["); open != std::string::npos && s.back() == ']') {
    name = s.substr(0, open);
    flags = s.substr(open + 2, s.size() - open - 3);
  }
}

// One `ktstr run --json` result as a record: what the run output does not
// say (run id, start time, topology, kernel, commit) stays empty.
json record_from_verdict(const json& v, const json& doc, size_t index, const std::string& source) {
  if (!v.is_object() || !v.contains("name") || !v["name"].is_string())
    fail("{}: results[{}] is not a ktstr run result (no \"name\")", source, index);
  std::string sched, flags;
  split_scheduler(doc.value("scheduler", ""), sched, flags);
  json id{{"test", v["name"]}, {"variant", ""}, {"topology", ""}, {"scheduler", sched}, {"flags", flags},
          {"kernel", ""},      {"vmm", ""},     {"commit", ""},   {"work_type", ""}};
  if (v.contains("vmm") && v["vmm"].is_object()) id["vmm"] = v["vmm"].value("vmm", "");
  return json{{"id", index + 1},
              {"run_id", ""},
              {"started", ""},
              {"identity", id},
              {"verdict", v.value("verdict", "FAIL")},
              {"seconds", v.value("seconds", 0.0)},
              {"result", v},
              {"host", json::object()}};
}

void check_record(const json& r, const std::string& where) {
  if (!r.is_object()) fail("{}: a record must be a JSON object, got {}", where, std::string(r.type_name()));
  auto id = r.find("identity");
  if (id == r.end() || !id->is_object()) fail("{}: the record has no \"identity\" object", where);
  for (const char* f : kIdentityFields)
    if (auto it = id->find(f); it != id->end() && !it->is_string())
      fail("{}: identity.{} must be a string", where, f);
  if (!id->contains("test")) fail("{}: identity.test is missing", where);
  auto v = r.find("verdict");
  if (v == r.end() || !v->is_string()) fail("{}: the record has no \"verdict\" string", where);
  if (auto s = r.find("seconds"); s != r.end() && !s->is_number()) fail("{}: \"seconds\" must be a number", where);
  if (auto res = r.find("result"); res != r.end() && !res->is_object())
    fail("{}: \"result\" must be an object", where);
}

}  // namespace

std::vector<json> records_from_document(const json& doc, const std::string& source) {
  std::vector<json> out;
  if (doc.is_object() && doc.contains("results")) {
    if (!doc["results"].is_array()) fail("{}: \"results\" must be an array", source);
    for (size_t i = 0; i < doc["results"].size(); ++i) out.push_back(record_from_verdict(doc["results"][i], doc, i, source));
  } else {
    const json* list = nullptr;
    json single = json::array();
    if (doc.is_object() && doc.contains("records")) {
      list = &doc["records"];
      if (!list->is_array()) fail("{}: \"records\" must be an array", source);
    } else if (doc.is_array()) {
      list = &doc;
    } else if (doc.is_object() && doc.contains("identity")) {
      single.push_back(doc);
      list = &single;
    } else {
      fail("{}: not a ktstr run (expected a store's run JSON with \"records\", `ktstr run --json` output with "
           "\"results\", or records)", source);
    }
    for (size_t i = 0; i < list->size(); ++i) {
      check_record((*list)[i], fmt::format("{}: record {}", source, i));
      out.push_back((*list)[i]);
    }
  }
  for (auto& r : out) {
    if (!r.contains("result")) r["result"] = json::object();
    if (!r.contains("seconds")) r["seconds"] = 0.0;
  }
  if (out.empty()) fail("{}: the run has no test records", source);
  return out;
}

json read_json_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail("{}: no such file", path);
  if (std::filesystem::is_directory(path, ec)) fail("{}: is a directory, not a JSON file", path);
  std::string text = read_file(path);
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    fail("{}: not valid JSON ({})", path, e.what());
  }
}

void validate_compare(const json& c, const std::string& source) {
  if (!c.is_object()) fail("{}: a compare document must be a JSON object", source);
  auto pairs = c.find("pairs");
  if (pairs == c.end() || !pairs->is_array())
    fail("{}: not a `ktstr stats compare --json` document (no \"pairs\" array)", source);
  for (size_t i = 0; i < pairs->size(); ++i) {
    const json& p = (*pairs)[i];
    if (!p.is_object() || !p.contains("metrics") || !p["metrics"].is_array())
      fail("{}: pairs[{}] has no \"metrics\" array", source, i);
    if (p.contains("key") && !p["key"].is_object()) fail("{}: pairs[{}].key must be an object", source, i);
    for (size_t k = 0; k < p["metrics"].size(); ++k) {
      const json& m = p["metrics"][k];
      if (!m.is_object() || !m.contains("name") || !m["name"].is_string())
        fail("{}: pairs[{}].metrics[{}] has no \"name\"", source, i, k);
    }
  }
}

}  // namespace ktstr::report
