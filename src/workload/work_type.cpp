#include "workload/work_type.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <utility>

#include "util/error.hpp"

namespace ktstr::workload {
namespace {

constexpr std::array<std::pair<WorkKind, std::string_view>, 22> kNames{{
    {WorkKind::CpuSpin, "CpuSpin"},
    {WorkKind::YieldHeavy, "YieldHeavy"},
    {WorkKind::Mixed, "Mixed"},
    {WorkKind::IoSync, "IoSync"},
    {WorkKind::Bursty, "Bursty"},
    {WorkKind::PipeIo, "PipeIo"},
    {WorkKind::FutexPingPong, "FutexPingPong"},
    {WorkKind::CachePressure, "CachePressure"},
    {WorkKind::CacheYield, "CacheYield"},
    {WorkKind::CachePipe, "CachePipe"},
    {WorkKind::FutexFanOut, "FutexFanOut"},
    {WorkKind::FanOutCompute, "FanOutCompute"},
    {WorkKind::RequestResponse, "RequestResponse"},
    {WorkKind::Messaging, "Messaging"},
    {WorkKind::Sequence, "Sequence"},
    {WorkKind::ForkExit, "ForkExit"},
    {WorkKind::NiceSweep, "NiceSweep"},
    {WorkKind::AffinityChurn, "AffinityChurn"},
    {WorkKind::PolicyChurn, "PolicyChurn"},
    {WorkKind::PageFaultChurn, "PageFaultChurn"},
    {WorkKind::MutexContention, "MutexContention"},
    {WorkKind::Custom, "Custom"},
}};

// Case and separators do not matter: "CpuSpin" == "cpu_spin" == "CPU-SPIN".
std::string normalise(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '-' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string valid_names() {
  std::string out;
  for (auto n : work_kind_names()) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::vector<uint32_t> parse_args(std::string_view text, std::string_view args) {
  std::vector<uint32_t> out;
  size_t pos = 0;
  while (pos <= args.size()) {
    size_t comma = args.find(',', pos);
    std::string_view part = args.substr(pos, comma == std::string_view::npos ? args.npos : comma - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    uint32_t v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || ec != std::errc() || p != part.data() + part.size())
      fail("work type '{}': parameter '{}' is not a non-negative integer", text, part);
    out.push_back(v);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

// Assigns positional arguments to the kind's parameters in documented order.
void apply_args(WorkType& w, std::string_view text, const std::vector<uint32_t>& a) {
  std::vector<uint32_t*> slots;
  switch (w.kind) {
    case WorkKind::Bursty: slots = {&w.burst_ms, &w.sleep_ms}; break;
    case WorkKind::CachePressure:
    case WorkKind::CacheYield:
    case WorkKind::CachePipe: slots = {&w.cache_kib, &w.stride}; break;
    case WorkKind::FutexFanOut: slots = {&w.fan_out}; break;
    case WorkKind::FanOutCompute:
    case WorkKind::RequestResponse: slots = {&w.fan_out, &w.matrix_kib, &w.compute_ops, &w.think_us}; break;
    case WorkKind::Messaging: slots = {&w.msg_fds, &w.msg_bytes}; break;
    case WorkKind::MutexContention: slots = {&w.contenders, &w.hold_units, &w.outside_units}; break;
    case WorkKind::PageFaultChurn: slots = {&w.region_kib, &w.touches}; break;
    case WorkKind::CpuSpin:
    case WorkKind::Mixed:
    case WorkKind::PipeIo:
    case WorkKind::FutexPingPong: slots = {&w.spin_units}; break;
    case WorkKind::IoSync: slots = {&w.io_file_kib, &w.io_write_kib, &w.io_sleep_us}; break;
    default: break;
  }
  if (a.size() > slots.size())
    fail("work type '{}': {} takes at most {} parameter(s), got {}", text, w.name(), slots.size(),
         a.size());
  for (size_t i = 0; i < a.size(); ++i) *slots[i] = a[i];
}

}  // namespace

std::string_view kind_name(WorkKind k) {
  for (auto& [kind, name] : kNames)
    if (kind == k) return name;
  return "Unknown";
}

std::vector<std::string_view> work_kind_names() {
  std::vector<std::string_view> out;
  for (auto& [kind, name] : kNames)
    if (kind != WorkKind::Custom) out.push_back(name);
  return out;
}

WorkType WorkType::bursty(uint32_t burst, uint32_t sleep) {
  return WorkType{.kind = WorkKind::Bursty, .burst_ms = burst, .sleep_ms = sleep};
}
WorkType WorkType::cache_pressure(uint32_t kib, uint32_t stride_bytes) {
  return WorkType{.kind = WorkKind::CachePressure, .cache_kib = kib, .stride = stride_bytes};
}
WorkType WorkType::futex_fan_out(uint32_t n) {
  return WorkType{.kind = WorkKind::FutexFanOut, .fan_out = n};
}
WorkType WorkType::fan_out_compute(uint32_t n, uint32_t kib, uint32_t ops, uint32_t think) {
  return WorkType{.kind = WorkKind::FanOutCompute, .fan_out = n, .matrix_kib = kib, .compute_ops = ops,
                  .think_us = think};
}
WorkType WorkType::request_response(uint32_t n, uint32_t kib, uint32_t ops, uint32_t think) {
  return WorkType{.kind = WorkKind::RequestResponse, .fan_out = n, .matrix_kib = kib, .compute_ops = ops,
                  .think_us = think};
}
WorkType WorkType::messaging(uint32_t fds, uint32_t bytes) {
  return WorkType{.kind = WorkKind::Messaging, .msg_fds = fds, .msg_bytes = bytes};
}
WorkType WorkType::mutex_contention(uint32_t n, uint32_t hold, uint32_t outside) {
  return WorkType{.kind = WorkKind::MutexContention, .contenders = n, .hold_units = hold,
                  .outside_units = outside};
}
WorkType WorkType::page_fault_churn(uint32_t kib, uint32_t n) {
  return WorkType{.kind = WorkKind::PageFaultChurn, .region_kib = kib, .touches = n};
}
WorkType WorkType::sequence(std::vector<SequencePhase> p) {
  return WorkType{.kind = WorkKind::Sequence, .phases = std::move(p)};
}
WorkType WorkType::make_custom(std::string name, CustomWork fn) {
  return WorkType{.kind = WorkKind::Custom, .custom_name = std::move(name), .custom = std::move(fn)};
}

std::vector<SequencePhase> WorkType::default_phases() {
  using K = SequencePhase::Kind;
  return {{K::Spin, 20}, {K::Sleep, 5}, {K::Yield, 5}, {K::Io, 5}};
}

WorkType WorkType::parse(std::string_view text) {
  std::string_view base = text;
  std::string_view args;
  bool has_args = false;
  if (auto open = text.find('('); open != std::string_view::npos) {
    if (text.back() != ')') fail("work type '{}': missing ')'", text);
    base = text.substr(0, open);
    args = text.substr(open + 1, text.size() - open - 2);
    has_args = true;
  }
  const std::string key = normalise(base);
  for (auto& [kind, name] : kNames) {
    if (kind == WorkKind::Custom || normalise(name) != key) continue;
    WorkType w = of(kind);
    if (has_args && !args.empty()) apply_args(w, text, parse_args(text, args));
    return w;
  }
  fail("unknown work type '{}'; valid work types: {}", text, valid_names());
}

std::string WorkType::name() const {
  if (kind == WorkKind::Custom) return custom_name.empty() ? "Custom" : custom_name;
  return std::string(kind_name(kind));
}

size_t WorkType::group_size() const {
  switch (kind) {
    case WorkKind::PipeIo:
    case WorkKind::FutexPingPong:
    case WorkKind::CachePipe: return 2;
    case WorkKind::FutexFanOut:
    case WorkKind::FanOutCompute:
    case WorkKind::RequestResponse: return size_t{fan_out} + 1;
    case WorkKind::Messaging: return size_t{msg_fds} * 2;
    case WorkKind::MutexContention: return contenders;
    default: return 1;
  }
}

bool WorkType::blocks_voluntarily() const {
  switch (kind) {
    case WorkKind::CpuSpin:
    case WorkKind::CachePressure:
    case WorkKind::AffinityChurn:
    case WorkKind::PolicyChurn:
    case WorkKind::NiceSweep:
    case WorkKind::PageFaultChurn: return false;
    default: return true;
  }
}

void WorkType::validate(size_t workers) const {
  if (kind == WorkKind::Custom && !custom) fail("work type {}: no function given", name());
  if ((kind == WorkKind::FutexFanOut || kind == WorkKind::FanOutCompute || kind == WorkKind::RequestResponse) &&
      fan_out == 0)
    fail("{}: fan_out must be >= 1", name());
  if ((kind == WorkKind::FanOutCompute || kind == WorkKind::RequestResponse) && (matrix_kib == 0 || compute_ops == 0))
    fail("{}: matrix_kib and compute_ops must be > 0", name());
  if (kind == WorkKind::Messaging && msg_fds == 0) fail("Messaging: msg_fds must be >= 1");
  // A message must be one atomic pipe write, so receivers never see halves.
  if (kind == WorkKind::Messaging && (msg_bytes == 0 || msg_bytes > kMaxMessageBytes))
    fail("Messaging: msg_bytes must be 1..{} (got {})", kMaxMessageBytes, msg_bytes);
  if (kind == WorkKind::MutexContention && contenders == 0)
    fail("MutexContention: contenders must be >= 1");
  if ((kind == WorkKind::CachePressure || kind == WorkKind::CacheYield ||
       kind == WorkKind::CachePipe) && (cache_kib == 0 || stride == 0))
    fail("{}: cache size and stride must be > 0", name());
  if (kind == WorkKind::PageFaultChurn && region_kib < 4) fail("PageFaultChurn: region must be >= 4 KiB");
  if (kind == WorkKind::NiceSweep && (nice_min < -20 || nice_max > 19 || nice_min > nice_max))
    fail("NiceSweep: need -20 <= nice_min <= nice_max <= 19, got {}..{}", nice_min, nice_max);
  if (kind == WorkKind::IoSync && (io_write_kib == 0 || io_file_kib < io_write_kib))
    fail("IoSync: write size must be > 0 and <= the file size");
  if (workers == 0)
    fail("{}: zero workers (a group without workers would pass every check)", name());
  if (workers % group_size() != 0)
    fail("{}: {} workers is not a multiple of its group size {}", name(), workers, group_size());
}

}  // namespace ktstr::workload
