#include "testkit/guest_action.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <chrono>

#include <fmt/format.h>

#include "check/result_json.hpp"
#include "guest/actions.hpp"
#include "guest/guest_layout.hpp"
#include "guest/scheduler_scope.hpp"
#include "testkit/context_base.hpp"
#include "topology/sysfs_topology.hpp"

namespace ktstr::testkit {
namespace {
using Clock = std::chrono::steady_clock;

class GuestContext final : public ContextBase {
 public:
  GuestContext(const runner::TestDef& def, const nlohmann::json& p, scenario::CpuLayout layout,
               guest::SchedulerScope& sched, guest::Publisher& pub)
      : ContextBase(def, p.value("variant", ""), p.value("flags", std::vector<std::string>{}), std::move(layout),
                    check::Thresholds::from_json(p.value("thresholds", nlohmann::json::object()))),
        sched_(sched),
        pub_(pub) {}

  bool in_guest() const override { return true; }

 protected:
  guest::ExecOutcome execute(const scenario::Scenario& s, const check::Thresholds& t) override {
    guest::ExecOptions eo;
    eo.thresholds = t;
    eo.layout = layout();
    eo.abort_check = sched_.abort_check();
    eo.schedulers = &sched_;
    eo.event = [this](const std::string& e) {
      pub_.publish(channel::MsgType::Event, nlohmann::json{{"event", e}}.dump());
    };
    pub_.stage("running scenario " + (s.name.empty() ? std::string("(unnamed)") : s.name));
    return guest::execute_scenario(s, eo);
  }

 private:
  guest::SchedulerScope& sched_;
  guest::Publisher& pub_;
};

std::string where(const ::testing::TestPartResult& p) {
  if (!p.file_name()) return "";
  return p.line_number() >= 0 ? fmt::format("{}:{}: ", p.file_name(), p.line_number())
                              : fmt::format("{}: ", p.file_name());
}

// Runs the body with every GoogleTest assertion (from any thread) captured.
void run_body(const runner::TestDef& def, ContextBase& ctx) {
  ::testing::TestPartResultArray parts;
  {
    ::testing::ScopedFakeTestPartResultReporter capture(
        ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ALL_THREADS, &parts);
    try {
      def.body(ctx);
    } catch (const std::exception& e) {
      ctx.fail(fmt::format("the test body threw: {}", e.what()));
    } catch (...) {
      ctx.fail("the test body threw a non-standard exception");
    }
  }
  for (int i = 0; i < parts.size(); ++i) {
    const auto& p = parts.GetTestPartResult(i);
    if (p.skipped())
      ctx.skip(p.message());
    else if (p.failed())
      ctx.fail(where(p) + p.message());
  }
}

int run_test_action(const guest::Request& req, guest::Publisher& pub, int /*port_fd*/) {
  auto t0 = Clock::now();
  const nlohmann::json& p = req.params;
  std::string id = p.value("test", "");
  nlohmann::json out{{"test", id}, {"variant", p.value("variant", "")}};
  auto publish = [&](check::CheckResult r) {
    if (!r.passed) {  // a failure next to a skip is a failure
      r.skipped = false;
      r.skip_reason.clear();
    }
    out["result"] = r;
    out["guest_seconds"] = std::chrono::duration<double>(Clock::now() - t0).count();
    pub.publish(channel::MsgType::Result, out.dump());
    return r.passed ? 0 : 1;
  };
  const runner::TestDef* def = runner::TestRegistry::global().find(id);
  if (!def) {
    check::CheckResult r;
    r.fail(check::DetailKind::guest, fmt::format("test {} is not in this binary", id));
    return publish(r);
  }
  scenario::CpuLayout layout = guest::layout_from_observed(topology::read_sysfs_topology());
  guest::SchedulerScope sched(p, pub);
  if (sched.failed()) {
    check::CheckResult r;
    out["scheduler"] = sched.finish(r);
    return publish(r);
  }
  GuestContext ctx(*def, p, std::move(layout), sched, pub);
  pub.stage("running test " + id);
  run_body(*def, ctx);
  check::CheckResult verdict = ctx.verdict();
  if (sched.active()) out["scheduler"] = sched.finish(verdict);
  return publish(verdict);
}

}  // namespace

void install_guest_actions() { guest::register_action("test", run_test_action); }

}  // namespace ktstr::testkit
