#include "ktstr/scenario/cgroup_controls.hpp"

#include <fmt/format.h>

#include <charconv>

#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::scenario {
namespace {

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<double> CpuMax::cpus() const {
  if (!quota_us || period_us == 0) return std::nullopt;
  return static_cast<double>(*quota_us) / static_cast<double>(period_us);
}

std::string CpuMax::to_string() const {
  return fmt::format("{} {}", quota_us ? std::to_string(*quota_us) : std::string("max"), period_us);
}

CpuMax CpuMax::parse(std::string_view text) {
  auto parts = split(trim(std::string(text)), ' ');
  std::vector<std::string> words;
  for (auto& p : parts)
    if (!p.empty()) words.push_back(p);
  if (words.empty() || words.size() > 2)
    fail("cpu.max '{}': expected 'QUOTA PERIOD' in microseconds, 'QUOTA' or 'max'", text);
  CpuMax m;
  if (words[0] != "max") {
    auto q = parse_u64(words[0]);
    if (!q) fail("cpu.max '{}': quota '{}' is not a number of microseconds or 'max'", text, words[0]);
    m.quota_us = *q;
  }
  if (words.size() == 2) {
    auto p = parse_u64(words[1]);
    if (!p) fail("cpu.max '{}': period '{}' is not a number of microseconds", text, words[1]);
    m.period_us = *p;
  }
  return m;
}

std::string Limit::to_string() const { return value ? std::to_string(*value) : "max"; }

Limit Limit::parse(std::string_view text) {
  std::string t = trim(std::string(text));
  if (t == "max") return Limit::max();
  uint64_t mult = 1;
  if (!t.empty()) {
    switch (t.back()) {
      case 'K': case 'k': mult = 1ull << 10; break;
      case 'M': case 'm': mult = 1ull << 20; break;
      case 'G': case 'g': mult = 1ull << 30; break;
      default: break;
    }
    if (mult != 1) t.pop_back();
  }
  auto v = parse_u64(t);
  if (!v) fail("limit '{}': expected a number (optionally with K/M/G) or 'max'", text);
  return Limit::of(*v * mult);
}

std::vector<std::string> CgroupControls::check() const {
  std::vector<std::string> errs;
  if (weight && (*weight < kMinWeight || *weight > kMaxWeight))
    errs.push_back(fmt::format("cpu.weight {} is outside [{}, {}]", *weight, kMinWeight, kMaxWeight));
  if (weight_nice && (*weight_nice < -20 || *weight_nice > 19))
    errs.push_back(fmt::format("cpu.weight.nice {} is outside [-20, 19]", *weight_nice));
  if (weight && weight_nice)
    errs.push_back("give cpu.weight or cpu.weight.nice, not both (they write the same kernel value)");
  if (cpu_max) {
    if (cpu_max->period_us < kMinPeriodUs || cpu_max->period_us > kMaxPeriodUs)
      errs.push_back(fmt::format("cpu.max period {} µs is outside [{}, {}] µs", cpu_max->period_us, kMinPeriodUs,
                                 kMaxPeriodUs));
    if (cpu_max->quota_us && *cpu_max->quota_us < kMinQuotaUs)
      errs.push_back(fmt::format("cpu.max quota {} µs is below the kernel's minimum of {} µs", *cpu_max->quota_us,
                                 kMinQuotaUs));
  }
  return errs;
}

CgroupControls CgroupControls::merged(const CgroupControls& over) const {
  CgroupControls out = *this;
  if (over.weight) out.weight = over.weight, out.weight_nice.reset();
  if (over.weight_nice) out.weight_nice = over.weight_nice, out.weight.reset();
  if (over.cpu_max) out.cpu_max = over.cpu_max;
  if (over.idle) out.idle = over.idle;
  if (over.pids_max) out.pids_max = over.pids_max;
  if (over.memory_max) out.memory_max = over.memory_max;
  return out;
}

std::vector<std::string> CgroupControls::controllers() const {
  std::vector<std::string> c;
  if (weight || weight_nice || cpu_max || idle) c.push_back("cpu");
  if (pids_max) c.push_back("pids");
  if (memory_max) c.push_back("memory");
  return c;
}

std::string CgroupControls::describe() const {
  std::string s;
  auto add = [&](const std::string& x) { s += (s.empty() ? "" : " ") + x; };
  if (weight) add(fmt::format("cpu.weight={}", *weight));
  if (weight_nice) add(fmt::format("cpu.weight.nice={}", *weight_nice));
  if (cpu_max) add(fmt::format("cpu.max='{}'", cpu_max->to_string()));
  if (idle) add(fmt::format("cpu.idle={}", *idle ? 1 : 0));
  if (pids_max) add("pids.max=" + pids_max->to_string());
  if (memory_max) add("memory.max=" + memory_max->to_string());
  return s;
}

}  // namespace ktstr::scenario
