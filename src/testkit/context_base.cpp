#include "testkit/context_base.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "guest/scenario_validation.hpp"
#include "scenario/catalog.hpp"
#include "scenario/validate.hpp"

namespace ktstr {

bool Context::has_flag(std::string_view flag) const {
  const auto& f = flags();
  return std::find(f.begin(), f.end(), flag) != f.end();
}

namespace testkit {

ContextBase::ContextBase(const runner::TestDef& def, std::string variant, std::vector<std::string> flags,
                         scenario::CpuLayout layout, check::Thresholds base)
    : def_(def), variant_(std::move(variant)), flags_(std::move(flags)), layout_(std::move(layout)),
      base_(std::move(base)) {}

void ContextBase::record(const check::CheckResult& r) {
  if (runs_++ == 0 && verdict_.details.empty() && verdict_.passed)
    verdict_ = r;
  else
    verdict_.merge(r);
}

check::CheckResult ContextBase::run(scenario::Scenario s) {
  const TestOptions& o = def_.options;
  if (o.duration.count() > 0) s.duration = o.duration;
  if (o.workers > 0) s.workers_per_cgroup = o.workers;
  if (auto why = s.topology.skip_reason(layout_)) {
    auto r = check::CheckResult::skip(*why);
    record(r);
    return r;
  }
  check::CheckResult r;
  auto errors = scenario::validation_errors(s, guest::validation_context(&layout_));
  if (!errors.empty()) {
    std::string msg = fmt::format("scenario {} is invalid:", s.name.empty() ? "(unnamed)" : s.name);
    for (const auto& e : errors) msg += "\n  " + e;
    r.fail(check::DetailKind::other, msg);
    record(r);
    return r;
  }
  guest::ExecOutcome ex = execute(s, base_.merged(s.thresholds));
  r = ex.result;
  if (!ex.abort_reason.empty()) r.fail(check::DetailKind::scheduler, ex.abort_reason);
  record(r);
  return r;
}

check::CheckResult ContextBase::run(std::string_view catalog_name) {
  const auto* e = scenario::catalog::find(catalog_name);
  if (!e) {
    check::CheckResult r;
    r.fail(check::DetailKind::other, fmt::format("unknown canned scenario '{}' (see `ktstr list`)", catalog_name));
    record(r);
    return r;
  }
  if (auto why = e->skip_reason(layout_)) {
    auto r = check::CheckResult::skip(*why);
    record(r);
    return r;
  }
  return run(e->instantiate(layout_));
}

void ContextBase::fail(std::string message) { verdict_.fail(check::DetailKind::other, std::move(message)); }

void ContextBase::skip(std::string reason) { skip_reason_ = std::move(reason); }

check::CheckResult ContextBase::verdict() const {
  check::CheckResult v = verdict_;
  if (!v.passed) {
    v.skipped = false;
    v.skip_reason.clear();
  } else if (!skip_reason_.empty()) {
    v.skipped = true;
    v.skip_reason = skip_reason_;
  }
  return v;
}

}  // namespace testkit
}  // namespace ktstr
