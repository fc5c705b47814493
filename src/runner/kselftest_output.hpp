#pragma once
// What the kernel's sched_ext selftests runner
// (tools/testing/selftests/sched_ext/runner) printed, test by test. Each
// test is a block:
//   ===== START =====
//   TEST: create_dsq
//   DESCRIPTION: ...
//   OUTPUT:
//   ...whatever the test wrote...
//   ok 1 create_dsq #            (or "not ok 1 x #", "ok 1 x # SKIP ")
//   =====  END  =====
// then a RESULTS: summary. A block without a result line is a test the run
// never finished (the runner or the VM died in it).
#include <string>
#include <string_view>
#include <vector>

namespace ktstr::runner {

struct SelftestResult {
  enum class Status { pass, fail, skip, unfinished };
  std::string name;
  Status status = Status::unfinished;
  std::string description;
  std::string output;  // the OUTPUT: section
  // skip: the test's "SKIP: ..." line (else its last output line);
  // fail / unfinished: its last output lines.
  std::string reason;
};

struct SelftestOutput {
  std::vector<SelftestResult> tests;
  bool summary = false;  // the runner reached its RESULTS: summary
};

SelftestOutput parse_selftest_output(std::string_view text);

std::string_view status_name(SelftestResult::Status s);  // PASS / FAIL / SKIP / UNFINISHED

}  // namespace ktstr::runner
