#include "testkit/gtest_variants.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "guest/init_main.hpp"
#include "kernel/kernel_resolve.hpp"
#include "runner/job_slots.hpp"
#include "runner/parallel_executor.hpp"
#include "runner/test_name.hpp"
#include "runner/test_run.hpp"
#include "runner/verdict_cause.hpp"
#include "testkit/guest_action.hpp"
#include "testkit/host_context.hpp"
#include "testkit/run_recording.hpp"
#include "topology/memory.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"

namespace ktstr::testkit {
namespace {

struct Registered {
  const runner::TestDef* def;
  std::string name;
  std::optional<runner::PlannedVariant> planned;  // gauntlet: planned at registration
};

std::map<std::string, Registered>& registered() {
  static std::map<std::string, Registered> m;
  return m;
}

// VM runs started ahead of their TestBody, at most -j at once.
class Prefetch {
 public:
  static Prefetch& get() {
    static Prefetch p;
    return p;
  }
  void start();
  void stop() {
    index_.clear();
    exec_.reset();
  }
  // The verdict of a prefetched variant (blocks until it is done).
  std::optional<runner::ScenarioVerdict> take(const std::string& name) {
    auto it = index_.find(name);
    if (it == index_.end() || !exec_) return std::nullopt;
    return exec_->wait(it->second);
  }

 private:
  std::unique_ptr<runner::ParallelExecutor> exec_;
  std::map<std::string, size_t> index_;
};

runner::PlannedVariant plan_of(const Registered& r) {
  return r.planned ? *r.planned : runner::base_variant(*r.def);
}

void Prefetch::start() {
  if (settings().dry_run) return;
  std::vector<const Registered*> todo;
  auto* ut = ::testing::UnitTest::GetInstance();
  for (int i = 0; i < ut->total_test_suite_count(); ++i) {
    const auto* suite = ut->GetTestSuite(i);
    for (int j = 0; j < suite->total_test_count(); ++j) {
      const auto* info = suite->GetTestInfo(j);
      if (!info->should_run()) continue;
      auto it = registered().find(std::string(info->test_suite_name()) + "." + info->name());
      if (it != registered().end() && !it->second.def->options.host_only) todo.push_back(&it->second);
    }
  }
  std::vector<runner::PlannedVariant> plans;
  uint64_t mem = 256;
  for (const auto* r : todo) {
    try {
      plans.push_back(plan_of(*r));
      mem = std::max(mem, topology::default_memory_mb(plans.back().topology, r->def->options.memory_mb));
    } catch (const Error&) {
      plans.emplace_back();  // the TestBody plans it again and reports the error
    }
  }
  size_t jobs = settings().jobs.value_or(runner::default_jobs(runner::read_host_resources(), mem));
  if (const char* env = std::getenv("KTSTR_JOBS"); env && *env && !settings().jobs)
    jobs = runner::parse_jobs(env, "KTSTR_JOBS");
  if (jobs <= 1 || todo.size() <= 1) return;
  // One kernel lookup (and fetch, if it must) before VMs start in parallel.
  kernel::ResolveOptions ro;
  ro.auto_fetch = true;
  try {
    kernel::resolve_kernel(std::nullopt, ro);
  } catch (const Error&) {
    // Each test reports it.
  }
  std::fprintf(stderr, "ktstr: %zu VM tests, up to %zu at once (-j)\n", todo.size(), jobs);
  exec_ = std::make_unique<runner::ParallelExecutor>(jobs);
  for (size_t i = 0; i < todo.size(); ++i) {
    if (!plans[i].test) continue;
    index_[todo[i]->name] = exec_->submit(todo[i]->name, [p = plans[i]] { return runner::run_test_variant(p); });
  }
}

[[noreturn]] void interrupted(const Interrupted& e) {
  std::fprintf(stderr, "ktstr: %s; stopping the running VMs\n", e.what());
  Prefetch::get().stop();  // joins: every VM loop sees the interrupt and cleans up
  std::fflush(nullptr);
  std::_Exit(128 + e.signal());
}

// A non-fatal failure at the KTSTR_TEST's line whose message is exactly
// `text` (ADD_FAILURE_AT would put "Failed" first): the first line is the
// one-sentence cause, the rest the report.
void fail_at(const char* file, int line, const std::string& text) {
  GTEST_MESSAGE_AT_(file, line, text.c_str(), ::testing::TestPartResult::kNonFatalFailure);
}

class VariantTest : public ::testing::Test {
 public:
  explicit VariantTest(const Registered& r) : r_(r) {}

  void TestBody() override {
    const auto& o = r_.def->options;
    try {
      if (o.host_only) {
        HostContext ctx(*r_.def);
        r_.def->body(ctx);
        if (IsSkipped() || HasFatalFailure()) return;
        runner::ScenarioVerdict v;
        v.name = r_.name;
        v.result = ctx.verdict();
        v.verdict = !v.result.passed ? runner::Verdict::Fail
                    : v.result.skipped ? runner::Verdict::Skip
                                       : runner::Verdict::Pass;
        record_variant(*r_.def, nullptr, v);
        report(v);
        return;
      }
      std::optional<runner::ScenarioVerdict> v = Prefetch::get().take(r_.name);
      if (!v) {
        runner::PlannedVariant p = plan_of(r_);
        if (settings().dry_run) {
          std::printf("ktstr: dry run: %s would boot %s, profile %s\n", r_.name.c_str(), p.topology.name().c_str(),
                      p.profile.name().c_str());
          GTEST_SKIP() << "dry run (--ktstr-dry-run)";
        }
        v = runner::run_test_variant(p);
      }
      try {
        auto p = plan_of(r_);
        record_variant(*r_.def, &p, *v);
      } catch (const Error&) {
        // planned once already (prefetch or above): cannot fail differently now
      }
      report(*v);
    } catch (const Interrupted& e) {
      interrupted(e);
    } catch (const Error& e) {
      fail_at(r_.def->file.c_str(), r_.def->line, fmt::format("cannot run {}: {}", r_.name, e.what()));
    }
  }

 private:
  void report(const runner::ScenarioVerdict& v) {
    RecordProperty("ktstr_seconds", fmt::format("{:.1f}", v.seconds));
    const char* file = r_.def->file.c_str();
    int line = r_.def->line;
    const std::string& expected = r_.def->options.expect_error;
    if (!expected.empty()) {
      auto j = runner::judge_expected_failure(v, expected);
      if (j.ok) {
        std::printf("ktstr: %s: %s\n", r_.name.c_str(), j.message.c_str());
        RecordProperty("ktstr_expected_failure", runner::failure_cause(v));
        return;
      }
      fail_at(file, line, j.message + "\n" + runner::format_verdict(v));
      return;
    }
    switch (v.verdict) {
      case runner::Verdict::Pass: return;
      case runner::Verdict::Skip:  // at the test's line, like a GTEST_SKIP() in its body
        GTEST_MESSAGE_AT_(file, line, v.result.skip_reason.c_str(), ::testing::TestPartResult::kSkip);
        return;
      case runner::Verdict::Fail:
        fail_at(file, line, runner::failure_cause(v) + "\n" + runner::format_verdict(v));
        return;
    }
  }

  const Registered& r_;
};

void register_with_gtest(const std::string& suite, const std::string& test, const Registered& r) {
  ::testing::RegisterTest(suite.c_str(), test.c_str(), nullptr, nullptr, r.def->file.c_str(), r.def->line,
                          [&r]() -> ::testing::Test* { return new VariantTest(r); });
}

class KtstrEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (::getpid() == 1) {  // a user's own main that did not call ktstr::test_main
      install_guest_actions();
      guest::init_main();
    }
    try {
      Prefetch::get().start();
    } catch (const Error& e) {
      std::fprintf(stderr, "ktstr: error: %s\n", e.what());
      std::exit(2);
    }
  }
  void TearDown() override {
    Prefetch::get().stop();
    finish_recording();
  }
};

}  // namespace

RunSettings& settings() {
  static RunSettings s;
  return s;
}

void register_base_variant(const runner::TestDef& def) {
  Registered r{&def, runner::base_test_name(def.id()), std::nullopt};
  auto [it, fresh] = registered().emplace(r.name, std::move(r));
  if (fresh) register_with_gtest("ktstr/" + def.suite, def.name, it->second);
}

void register_gauntlet_variant(runner::PlannedVariant v) {
  std::string name = v.name;
  const runner::TestDef* def = v.test;
  Registered r{def, name, std::move(v)};
  auto [it, fresh] = registered().emplace(name, std::move(r));
  if (!fresh) return;
  // gauntlet/<Suite>.<Name>/<preset>/<profile>: suite "gauntlet/<Suite>".
  register_with_gtest("gauntlet/" + def->suite, name.substr(std::string("gauntlet/").size() + def->suite.size() + 1),
                      it->second);
}

std::vector<std::string> variant_names() {
  std::vector<std::string> out;
  for (const auto& [n, r] : registered()) out.push_back(n);
  return out;
}

void add_environment_once() {
  static bool added = false;
  if (added) return;
  added = true;
  ::testing::AddGlobalTestEnvironment(new KtstrEnvironment);
}

}  // namespace ktstr::testkit
