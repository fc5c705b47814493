#pragma once
// What a KTSTR_TEST body gets. The body runs inside the test's VM (as part
// of the test binary, which is the guest's /init), with the scheduler under
// test already attached; in a host-only test it runs on the host.
//
// A body may:
//  * build scenarios (ktstr/scenario/*) and run them with ctx.run(s), as
//    many as it likes, in order; each returns its CheckResult and a failed
//    one fails the test with its details in the report;
//  * run a canned scenario by name: ctx.run("steady");
//  * inspect results and use GoogleTest assertions (EXPECT_*, ASSERT_*) on
//    them -- in the guest they are captured and reported back;
//  * skip with GTEST_SKIP() << "reason" (reported as skipped, not passed);
//  * use custom work functions registered with KTSTR_WORK (work_fn.hpp);
//  * read its variant: layout, topology, scheduler flags.
// It should not keep threads running when it returns; workers are
// processes the framework owns and reaps.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ktstr/check/result.hpp"
#include "ktstr/scenario/cpu_layout.hpp"
#include "ktstr/scenario/scenario.hpp"
#include "ktstr/test/options.hpp"

namespace ktstr {

class Context {
 public:
  virtual ~Context() = default;

  // True inside the VM, false in a host-only test.
  virtual bool in_guest() const = 0;
  // "ktstr/Suite.Name" or "gauntlet/Suite.Name/<preset>/<profile>".
  virtual const std::string& variant() const = 0;
  // The CPUs as read back from sysfs (the VM's, or the host's).
  virtual const scenario::CpuLayout& layout() const = 0;
  // Scheduler flags of this variant's profile (empty: default profile).
  virtual const std::vector<std::string>& flags() const = 0;
  bool has_flag(std::string_view flag) const;
  virtual const TestOptions& options() const = 0;

  // Runs `s` now and returns its verdict. The test's duration and workers
  // options, when set, override the scenario's; thresholds merge as
  // defaults <- scheduler's <- test's <- the scenario's own. An invalid
  // scenario fails the test (its problems are the details).
  virtual check::CheckResult run(scenario::Scenario s) = 0;
  // A canned scenario of `ktstr list`, built for this variant's CPUs.
  virtual check::CheckResult run(std::string_view catalog_name) = 0;

  // Records a failure (the body continues).
  virtual void fail(std::string message) = 0;
};

}  // namespace ktstr
