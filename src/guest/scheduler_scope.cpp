#include "guest/scheduler_scope.hpp"

#include "guest/bpf_fdinfo.hpp"
#include "guest/scheduler_params.hpp"

namespace ktstr::guest {
namespace {

// Results travel as one channel message; the scheduler log is the part
// that can grow without bound, so it is clipped to keep the message small.
constexpr size_t kMaxLogInResult = 24 * 1024;

std::string clip(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  return "... (" + std::to_string(s.size() - max) + " bytes omitted)\n" + s.substr(s.size() - max);
}

}  // namespace

nlohmann::json scheduler_json(const SchedulerSupervisor& sup) {
  const auto& st = sup.status();
  nlohmann::json j{{"ops", st.ops_name},
                   {"attach_seconds", st.attach_seconds},
                   {"failure", to_string(st.failure)},
                   {"ok", st.ok()},
                   {"message", st.message},
                   {"log", clip(sup.log(), kMaxLogInResult)}};
  if (st.kernel_exit) {
    j["kernel_exit"] = {{"scheduler", st.kernel_exit->scheduler},
                        {"kind", st.kernel_exit->kind},
                        {"reason", st.kernel_exit->reason_lines}};
  }
  if (st.process_exit) j["process_exit"] = st.process_exit->describe();
  return j;
}

SchedulerScope::SchedulerScope(const nlohmann::json& params, Publisher& pub) {
  if (!params.is_object() || !params.contains("scheduler") || params["scheduler"].is_null()) return;
  SchedulerLaunch launch = prepare_scheduler(params["scheduler"]);
  pub.stage("starting scheduler " + launch.binary);
  sup_.emplace(launch);
  if (sup_->status().ok()) {
    // The kernel's own per-program figures as the guest sees them (the
    // host monitor reads the same programs from guest memory).
    programs_ = bpf_programs_of(sup_->pid());
    pub.publish(channel::MsgType::Event,
                nlohmann::json{{"event", "scheduler attached"}, {"ops", sup_->status().ops_name}}.dump());
  }
}

std::function<std::string()> SchedulerScope::abort_check() {
  if (!sup_) return {};
  return [this]() -> std::string {
    const auto& st = sup_->poll();
    return st.ok() ? std::string() : st.message;
  };
}

nlohmann::json SchedulerScope::finish(check::CheckResult& result) {
  if (!sup_) return nullptr;
  if (!finished_) {
    sup_->poll();
    sup_->stop();
    finished_ = true;
  }
  const auto& st = sup_->status();
  bool known = false;  // a scenario aborted by the same failure already says so
  for (const auto& d : result.details) known = known || (d.kind == check::DetailKind::scheduler && d.message == st.message);
  if (!st.ok() && !known) result.fail(check::DetailKind::scheduler, st.message);
  nlohmann::json j = scheduler_json(*sup_);
  j["programs"] = programs_;
  return j;
}

}  // namespace ktstr::guest
