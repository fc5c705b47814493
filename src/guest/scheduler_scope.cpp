#include "guest/scheduler_scope.hpp"

#include <fmt/format.h>

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

SchedulerScope::SchedulerScope(const nlohmann::json& params, Publisher& pub) : pub_(pub) {
  if (!params.is_object()) return;
  if (params.contains("schedulers") && params["schedulers"].is_object()) launches_ = params["schedulers"];
  if (!params.contains("scheduler") || params["scheduler"].is_null()) return;
  initial_ = params["scheduler"];
  start(initial_, "");
}

const nlohmann::json* SchedulerScope::launch_for(const std::string& key) const {
  if (key.empty()) return initial_.is_null() ? nullptr : &initial_;
  if (!launches_.is_object() || !launches_.contains(key)) return nullptr;
  return &launches_[key];
}

std::string SchedulerScope::start(const nlohmann::json& launch_json, const std::string& key) {
  SchedulerLaunch launch = prepare_scheduler(launch_json);
  pub_.stage("starting scheduler " + launch.binary);
  started_ = true;
  current_key_ = key;
  try {
    sup_.emplace(launch);
  } catch (const std::exception& e) {
    // The kernel refused before anything ran (no sched_ext, one still attached).
    sup_.reset();
    std::string why = fmt::format("cannot start scheduler {}: {}", launch.binary, e.what());
    failures_.push_back(why);
    history_.push_back({{"binary", launch.binary}, {"ok", false}, {"message", why}});
    return why;
  }
  if (!sup_->status().ok()) return sup_->status().message;
  // The kernel's own per-program figures as the guest sees them (the
  // host monitor reads the same programs from guest memory).
  programs_ = bpf_programs_of(sup_->pid());
  pub_.publish(channel::MsgType::Event,
               nlohmann::json{{"event", "scheduler attached"}, {"ops", sup_->status().ops_name}}.dump());
  return "";
}

std::string SchedulerScope::stop_current() {
  if (!sup_) return "";
  sup_->poll();
  sup_->stop();
  std::string why = sup_->status().ok() ? "" : sup_->status().message;
  history_.push_back(scheduler_json(*sup_));
  if (!why.empty()) failures_.push_back(why);
  std::string ops = sup_->status().ops_name;
  sup_.reset();
  if (why.empty())
    pub_.publish(channel::MsgType::Event, nlohmann::json{{"event", "scheduler detached"}, {"ops", ops}}.dump());
  return why;
}

std::string SchedulerScope::attach(const scenario::SchedulerChoice& s) {
  if (sup_)
    return fmt::format("attach_scheduler {}: scheduler {} is still attached (use replace_scheduler)", s.key(),
                       sup_->status().ops_name);
  const nlohmann::json* l = launch_for(s.key());
  if (!l) return fmt::format("attach_scheduler: scheduler '{}' was not packed into this guest", s.key());
  return start(*l, s.key());
}

std::string SchedulerScope::detach() {
  if (!sup_) return "detach_scheduler: no scheduler is attached";
  return stop_current();
}

std::string SchedulerScope::restart() {
  if (!sup_) return "restart_scheduler: no scheduler is attached";
  std::string key = current_key_;
  if (std::string why = stop_current(); !why.empty()) return why;
  const nlohmann::json* l = launch_for(key);
  if (!l) return fmt::format("restart_scheduler: no launch for '{}'", key);
  return start(*l, key);
}

std::string SchedulerScope::replace(const scenario::SchedulerChoice& s) {
  const nlohmann::json* l = launch_for(s.key());
  if (!l) return fmt::format("replace_scheduler: scheduler '{}' was not packed into this guest", s.key());
  if (std::string why = stop_current(); !why.empty()) return why;
  return start(*l, s.key());
}

std::function<std::string()> SchedulerScope::abort_check() {
  if (initial_.is_null() && (!launches_.is_object() || launches_.empty())) return {};
  return [this]() -> std::string {
    if (!sup_) return "";
    const auto& st = sup_->poll();
    return st.ok() ? std::string() : st.message;
  };
}

nlohmann::json SchedulerScope::finish(check::CheckResult& result) {
  if (!finished_) {
    finished_ = true;
    if (sup_) {
      sup_->poll();
      sup_->stop();
      if (!sup_->status().ok()) failures_.push_back(sup_->status().message);
      history_.push_back(scheduler_json(*sup_));
    }
  }
  if (history_.empty()) return nullptr;
  for (const auto& why : failures_) {
    bool known = false;  // a scenario aborted by the same failure already says so
    for (const auto& d : result.details)
      known = known || (d.kind == check::DetailKind::scheduler && d.message == why);
    if (!known) result.fail(check::DetailKind::scheduler, why);
  }
  nlohmann::json last = history_.back();
  last["programs"] = programs_;
  if (history_.size() > 1) last["history"] = history_;
  return last;
}

}  // namespace ktstr::guest
