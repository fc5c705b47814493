#include "runner/guest_verdict.hpp"

#include <fmt/format.h>

#include "check/result_json.hpp"

namespace ktstr::runner {

void verdict_from_guest(const GuestRunResult& run, ScenarioVerdict& v) {
  const channel::Message* result = nullptr;
  for (const auto& m : run.outcome.messages)
    if (m.type == channel::MsgType::Result) result = &m;
  if (run.outcome.kind != vm::ExitKind::Clean || !result) {
    v.verdict = Verdict::Fail;
    v.result.fail(check::DetailKind::guest,
                  result ? run.outcome.detail : "no result from the guest: " + run.outcome.detail);
    v.failure_text = describe_failure(run.outcome);
    if (!run.outcome.init_output.empty()) v.failure_text += "--- guest output ---\n" + run.outcome.init_output;
    return;
  }
  auto j = nlohmann::json::parse(result->text());
  v.result = j.at("result").get<check::CheckResult>();
  if (j.contains("scheduler")) v.scheduler = j["scheduler"];
  v.verdict = v.result.skipped ? Verdict::Skip : v.result.passed ? Verdict::Pass : Verdict::Fail;
  if (*run.outcome.guest_exit_code != 0 && v.result.passed) {
    v.verdict = Verdict::Fail;
    v.result.fail(check::DetailKind::guest, fmt::format("guest exited {}", *run.outcome.guest_exit_code));
    if (!run.outcome.init_output.empty()) v.failure_text += "--- guest output ---\n" + run.outcome.init_output;
  }
}

}  // namespace ktstr::runner
