// ktstr's own KVM VMM, proven here through nested virtualization: `ktstr
// nested-rig` boots an L1 QEMU TCG guest with KVM modules loaded, and
// rig_checks.sh runs inside it, booting every L2 guest on the own VMM. One
// L1 boot per group keeps the suite fast; each check reports a line.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "vm_harness.hpp"

using ktstr::vmtest::run_ktstr;

namespace {

struct Checks {
  ktstr::vmtest::Run run;
  std::map<std::string, std::string> verdict;  // name -> "PASS ..." / "FAIL: ..."
};

Checks run_group(const std::string& group) {
  Checks c;
  c.run = run_ktstr({"nested-rig", "--script", NESTED_DIR "/rig_checks.sh", "--exec",
                     "sh /rig/scripts/rig_checks.sh " + group},
                    std::chrono::minutes(14));
  std::istringstream in(c.run.out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("RIG-CHECK ", 0) != 0) continue;
    std::string rest = line.substr(10);
    auto sp = rest.find(' ');
    c.verdict[rest.substr(0, sp)] = rest.substr(sp + 1);
  }
  return c;
}

void expect_passed(const Checks& c, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = c.verdict.find(n);
    if (it == c.verdict.end()) {
      ADD_FAILURE() << "check " << n << " did not report (rig exit " << c.run.code << ")\n" << c.run.out << c.run.err;
      continue;
    }
    EXPECT_EQ(it->second.rfind("PASS", 0), 0u) << n << ": " << it->second << "\n" << c.run.out;
  }
  EXPECT_EQ(c.run.code, 0) << c.run.out << c.run.err;
  std::cout << "rig wall time " << c.run.seconds << " s\n";
  for (const auto& [n, v] : c.verdict) std::cout << "  " << n << ": " << v << "\n";
}

}  // namespace

TEST(NestedRig, OwnVmmExecPanicHangEveryCrashKindAndAnOddShape) {
  KTSTR_REQUIRE_VM();
  auto c = run_group("part1");
  expect_passed(c, {"exec", "panic", "hang", "crash-exception", "crash-terminate", "crash-segv", "crash-abort",
                    "sigterm", "topo-1n3l3c1t"});
}

TEST(NestedRig, OwnVmmSmtAndNumaShapesAndScenarios) {
  KTSTR_REQUIRE_VM();
  auto c = run_group("part2");
  expect_passed(c, {"topo-1n2l2c2t", "topo-2n4l2c1t", "scenario-eevdf", "scenario-fixture"});
}

TEST(OwnVmm, VmmKvmIsRefusedOnTheSoftwareKvmModule) {
  if (!std::filesystem::exists("/sys/module/kvm_pvm")) GTEST_SKIP() << "this /dev/kvm is not the kvm_pvm module";
  auto r = run_ktstr({"shell", "--vmm", "kvm", "--exec", "true"}, std::chrono::seconds(60));
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--vmm kvm: ktstr's own VMM needs hardware KVM"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("kvm_pvm"), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, 30);
  auto run = run_ktstr({"run", "-s", "steady", "--vmm", "kvm"}, std::chrono::seconds(60));
  EXPECT_EQ(run.code, 2) << "refused before any VM boots: " << run.err;
}

TEST(OwnVmm, BadVmmValueIsAUsageError) {
  auto r = run_ktstr({"shell", "--vmm", "firecracker", "--exec", "true"}, std::chrono::seconds(30));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--vmm"), std::string::npos) << r.err;
}
