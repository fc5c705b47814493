#include "runner/verdict_cause.hpp"

#include <fmt/format.h>

#include "check/report.hpp"

namespace ktstr::runner {
namespace {

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string strip_prefix(std::string s, std::string_view prefix) {
  if (s.rfind(prefix, 0) == 0) s.erase(0, prefix.size());
  return s;
}

std::string scheduler_cause(const nlohmann::json& sched) {
  if (!sched.is_object() || sched.value("ok", true)) return "";
  if (sched.contains("kernel_exit")) {
    const auto& k = sched["kernel_exit"];
    std::string s = fmt::format("scheduler ejected: {}", k.value("kind", "unknown reason"));
    auto reasons = k.value("reason", std::vector<std::string>{});
    if (!reasons.empty()) s += ": " + strip_prefix(reasons.front(), "sched_ext: ");
    return s;
  }
  std::string msg = first_line(sched.value("message", ""));
  std::string kind = sched.value("failure", "scheduler failed");
  return msg.rfind("scheduler", 0) == 0 ? msg : kind + ": " + msg;
}

std::string detail_line(const check::Detail& d) {
  std::string where = d.cgroup.empty() ? "" : d.cgroup + ": ";
  return fmt::format("{}: {}{}", check::kind_name(d.kind), where, first_line(d.message));
}

}  // namespace

std::string failure_cause(const ScenarioVerdict& v) {
  if (v.verdict != Verdict::Fail) return "";
  // "VM failed: guest kernel panic: Kernel panic - not syncing: ..."
  if (!v.failure_text.empty()) {
    std::string line = strip_prefix(first_line(v.failure_text), "VM failed: ");
    if (!line.empty()) return line;
  }
  if (auto s = scheduler_cause(v.scheduler); !s.empty()) return s;
  const auto& ds = v.result.details;
  for (const auto& d : ds)
    if (d.kind == check::DetailKind::scheduler) return first_line(d.message);
  if (ds.empty()) return "failed without details";
  std::string s = detail_line(ds.front());
  if (ds.size() > 1) s += fmt::format(" (and {} more)", ds.size() - 1);
  return s;
}

std::string failure_text(const ScenarioVerdict& v) {
  std::string s = failure_cause(v) + "\n" + check::format_details(v.result);
  if (v.scheduler.is_object()) {
    s += v.scheduler.value("message", "") + "\n";
    if (v.scheduler.contains("kernel_exit")) {
      const auto& k = v.scheduler["kernel_exit"];
      s += k.value("kind", "") + "\n";
      for (const auto& l : k.value("reason", std::vector<std::string>{})) s += l + "\n";
    }
  }
  return s + v.failure_text;
}

ExpectedFailure judge_expected_failure(const ScenarioVerdict& v, const std::string& expected) {
  switch (v.verdict) {
    case Verdict::Pass:
      return {false, fmt::format("expected the run to fail with \"{}\", but it passed", expected)};
    case Verdict::Skip:
      return {false, fmt::format("expected the run to fail with \"{}\", but it was skipped: {}", expected,
                                 v.result.skip_reason)};
    case Verdict::Fail: break;
  }
  std::string cause = failure_cause(v);
  if (failure_text(v).find(expected) != std::string::npos)
    return {true, fmt::format("failed as expected (\"{}\"): {}", expected, cause)};
  return {false, fmt::format("expected the run to fail with \"{}\", but it failed with: {}", expected, cause)};
}

}  // namespace ktstr::runner
