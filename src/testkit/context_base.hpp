#pragma once
// What the guest and host-only contexts share: the variant's identity, the
// layout, applying the test's options to each scenario, validation, and
// collecting every run, failure and skip into the test's one verdict.
#include <string>
#include <vector>

#include "check/result.hpp"
#include "check/thresholds.hpp"
#include "guest/scenario_executor.hpp"
#include "ktstr/test/context.hpp"
#include "runner/test_registry.hpp"

namespace ktstr::testkit {

class ContextBase : public Context {
 public:
  // base: the merged thresholds below the scenario's own layer.
  ContextBase(const runner::TestDef& def, std::string variant, std::vector<std::string> flags,
              scenario::CpuLayout layout, check::Thresholds base);

  const std::string& variant() const override { return variant_; }
  const scenario::CpuLayout& layout() const override { return layout_; }
  const std::vector<std::string>& flags() const override { return flags_; }
  const TestOptions& options() const override { return def_.options; }
  check::CheckResult run(scenario::Scenario s) override;
  check::CheckResult run(std::string_view catalog_name) override;
  void fail(std::string message) override;

  // A GTEST_SKIP() in the body (in the guest, where no test is running).
  void skip(std::string reason);
  // The test's verdict: all runs merged, plus failures; skipped only when
  // nothing failed and the body skipped or every run was skipped.
  check::CheckResult verdict() const;

 protected:
  virtual guest::ExecOutcome execute(const scenario::Scenario& s, const check::Thresholds& t) = 0;

 private:
  void record(const check::CheckResult& r);

  const runner::TestDef& def_;
  std::string variant_;
  std::vector<std::string> flags_;
  scenario::CpuLayout layout_;
  check::Thresholds base_;
  check::CheckResult verdict_;
  size_t runs_ = 0;
  std::string skip_reason_;
};

}  // namespace ktstr::testkit
