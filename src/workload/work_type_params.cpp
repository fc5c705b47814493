#include "workload/work_type_params.hpp"

#include <array>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "workload/custom_work.hpp"

namespace ktstr::workload {
namespace {

using K = WorkKind;

struct Param {
  std::string_view key;
  uint32_t WorkType::*field;
  std::initializer_list<WorkKind> kinds;
};

const std::array<Param, 19>& params_table() {
  static const std::array<Param, 19> t{{
      {"spin_units", &WorkType::spin_units,
       {K::CpuSpin, K::Mixed, K::PipeIo, K::FutexPingPong, K::FutexFanOut, K::NiceSweep,
        K::AffinityChurn, K::PolicyChurn}},
      {"burst_ms", &WorkType::burst_ms, {K::Bursty}},
      {"sleep_ms", &WorkType::sleep_ms, {K::Bursty}},
      {"cache_kib", &WorkType::cache_kib, {K::CachePressure, K::CacheYield, K::CachePipe}},
      {"stride", &WorkType::stride, {K::CachePressure, K::CacheYield, K::CachePipe}},
      {"io_file_kib", &WorkType::io_file_kib, {K::IoSync, K::Sequence}},
      {"io_write_kib", &WorkType::io_write_kib, {K::IoSync, K::Sequence}},
      {"io_sleep_us", &WorkType::io_sleep_us, {K::IoSync}},
      {"fan_out", &WorkType::fan_out, {K::FutexFanOut, K::FanOutCompute, K::RequestResponse}},
      {"matrix_kib", &WorkType::matrix_kib, {K::FanOutCompute, K::RequestResponse}},
      {"compute_ops", &WorkType::compute_ops, {K::FanOutCompute, K::RequestResponse}},
      {"think_us", &WorkType::think_us, {K::FanOutCompute, K::RequestResponse}},
      {"msg_fds", &WorkType::msg_fds, {K::Messaging}},
      {"msg_bytes", &WorkType::msg_bytes, {K::Messaging}},
      {"contenders", &WorkType::contenders, {K::MutexContention}},
      {"hold_units", &WorkType::hold_units, {K::MutexContention}},
      {"outside_units", &WorkType::outside_units, {K::MutexContention}},
      {"region_kib", &WorkType::region_kib, {K::PageFaultChurn}},
      {"touches", &WorkType::touches, {K::PageFaultChurn}},
  }};
  return t;
}

// JSON built in C++ holds small literals as signed integers; parsed JSON
// holds them as unsigned. Either is fine if it fits.
bool is_u32(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>() <= UINT32_MAX;
  if (v.is_number_integer()) return v.get<int64_t>() >= 0 && v.get<int64_t>() <= UINT32_MAX;
  return false;
}

bool applies(const Param& p, WorkKind k) {
  for (WorkKind x : p.kinds)
    if (x == k) return true;
  return false;
}

// The signed parameters (only NiceSweep's range).
struct SignedParam {
  std::string_view key;
  int32_t WorkType::*field;
};
constexpr std::array<SignedParam, 2> kSignedParams{{
    {"nice_min", &WorkType::nice_min},
    {"nice_max", &WorkType::nice_max},
}};

constexpr std::array<std::pair<SequencePhase::Kind, std::string_view>, 4> kPhaseNames{{
    {SequencePhase::Kind::Spin, "spin"},
    {SequencePhase::Kind::Sleep, "sleep"},
    {SequencePhase::Kind::Yield, "yield"},
    {SequencePhase::Kind::Io, "io"},
}};

std::string valid_keys(WorkKind k) {
  std::string out;
  for (const Param& p : params_table())
    if (applies(p, k)) out += (out.empty() ? "" : ", ") + std::string(p.key);
  if (k == K::Sequence) out += (out.empty() ? "" : ", ") + std::string("phases");
  if (k == K::NiceSweep)
    for (auto& sp : kSignedParams) out += (out.empty() ? "" : ", ") + std::string(sp.key);
  return out.empty() ? "none" : out;
}

SequencePhase parse_phase(const WorkType& w, const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("kind") || !j.contains("ms") || !j["kind"].is_string() ||
      !is_u32(j["ms"]))
    fail("{}: each phase must look like {{\"kind\": \"spin\", \"ms\": 10}}, got {}", w.name(), j.dump());
  const std::string kind = j["kind"].get<std::string>();
  for (auto& [k, name] : kPhaseNames)
    if (name == kind) return SequencePhase{k, j["ms"].get<uint32_t>()};
  fail("{}: unknown phase kind '{}' (spin, sleep, yield, io)", w.name(), kind);
}

}  // namespace

WorkType make_work_type(std::string_view name, const nlohmann::json& params) {
  if (const CustomWork* fn = find_custom_work(name)) {
    if (!params.is_null() && !params.empty())
      fail("custom work '{}' takes no parameters, got {}", name, params.dump());
    return WorkType::make_custom(std::string(name), *fn);
  }
  WorkType w = WorkType::parse(name);
  if (params.is_null()) return w;
  if (!params.is_object()) fail("{}: parameters must be a JSON object, got {}", w.name(), params.dump());
  for (auto& [key, value] : params.items()) {
    if (key == "phases" && w.kind == K::Sequence) {
      if (!value.is_array()) fail("{}: phases must be an array", w.name());
      w.phases.clear();
      for (const auto& ph : value) w.phases.push_back(parse_phase(w, ph));
      continue;
    }
    if (w.kind == K::NiceSweep) {
      bool handled = false;
      for (auto& sp : kSignedParams) {
        if (sp.key != key) continue;
        if (!value.is_number_integer() || value.get<int64_t>() < -20 || value.get<int64_t>() > 19)
          fail("{}: parameter '{}' must be an integer in -20..19, got {}", w.name(), key, value.dump());
        w.*(sp.field) = value.get<int32_t>();
        handled = true;
      }
      if (handled) continue;
    }
    const Param* found = nullptr;
    for (const Param& p : params_table())
      if (p.key == key && applies(p, w.kind)) found = &p;
    if (!found)
      fail("{}: unknown parameter '{}'; valid parameters: {}", w.name(), key, valid_keys(w.kind));
    if (!is_u32(value))
      fail("{}: parameter '{}' must be a non-negative integer, got {}", w.name(), key, value.dump());
    w.*(found->field) = value.get<uint32_t>();
  }
  return w;
}

nlohmann::json work_type_params(const WorkType& w) {
  nlohmann::json j = nlohmann::json::object();
  for (const Param& p : params_table())
    if (applies(p, w.kind)) j[std::string(p.key)] = w.*(p.field);
  if (w.kind == K::NiceSweep)
    for (auto& sp : kSignedParams) j[std::string(sp.key)] = w.*(sp.field);
  if (w.kind == K::Sequence) {
    nlohmann::json phases = nlohmann::json::array();
    for (const SequencePhase& ph : w.phases.empty() ? WorkType::default_phases() : w.phases)
      for (auto& [k, name] : kPhaseNames)
        if (k == ph.kind) phases.push_back({{"kind", name}, {"ms", ph.ms}});
    j["phases"] = std::move(phases);
  }
  return j;
}

}  // namespace ktstr::workload
