// cgroup controls and scheduler lifecycle ops in real VMs: EEVDF honours
// cpu.weight, cpu.max and cgroup.freeze within the calibrated tolerances;
// a scheduler that ignores weights and bandwidth (the fixture's global
// FIFO) fails with measured vs configured in the message; a cgroup left
// frozen starves; schedulers swapped mid-run are supervised, and one that
// dies after the swap is the verdict. Several VMs per `ktstr run` keep the
// ctest entries few.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "vm_harness.hpp"

using ktstr::vmtest::run_ktstr;
using nlohmann::json;

namespace {

// name -> result of a multi-scenario `ktstr run --json`.
std::map<std::string, json> results_by_name(const ktstr::vmtest::Run& r) {
  std::map<std::string, json> out;
  auto j = json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.contains("results")) {
    ADD_FAILURE() << "unexpected output:\n" << r.out << r.err;
    return out;
  }
  for (const auto& res : j["results"]) out[res.value("name", "")] = res;
  return out;
}

std::string detail(const json& res, const std::string& kind) {
  std::string s;
  for (const auto& d : res["result"]["details"])
    if (d.value("kind", "") == kind) s += d.value("message", "") + "\n";
  return s;
}

std::string control_text(const json& res, const std::string& check) {
  std::string s;
  if (res["result"]["stats"].contains("controls"))
    for (const auto& c : res["result"]["stats"]["controls"])
      if (c.value("check", "") == check) s += c.value("text", "") + "\n";
  return s;
}

std::string scenario_file(const char* name) { return std::string(SCENARIO_DIR) + "/" + name; }

}  // namespace

TEST(CgroupControls, EevdfHonoursWeightsBandwidthAndFreeze) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"run", "-s", "weighted_share", "-s", "bandwidth_cap", "-s", "freeze_thaw", "-j", "1", "--json"});
  auto res = results_by_name(r);
  EXPECT_EQ(r.code, 0) << r.err;
  for (const char* name : {"weighted_share", "bandwidth_cap", "freeze_thaw"})
    EXPECT_EQ(res[name].value("verdict", ""), "PASS") << res[name].dump(2);
  // Each reports what it measured even when it passes.
  EXPECT_NE(control_text(res["weighted_share"], "weighted_share").find("configured 3.00x (cpu.weight 300 vs 100)"),
            std::string::npos)
      << res["weighted_share"].dump(2);
  EXPECT_NE(control_text(res["bandwidth_cap"], "bandwidth").find("cpu.max allows 0.50 (50000 100000)"),
            std::string::npos)
      << res["bandwidth_cap"].dump(2);
  EXPECT_NE(control_text(res["freeze_thaw"], "freeze").find("after the thaw"), std::string::npos)
      << res["freeze_thaw"].dump(2);
}

TEST(CgroupControls, GlobalFifoFailsWeightsAndBandwidthAndAFrozenCgroupStarves) {
  KTSTR_REQUIRE_FIXTURE();
  auto r = run_ktstr({"run", "--scenario-file", scenario_file("neg_controls.json"), "--scheduler", "fixture", "--json"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  auto res = results_by_name(r)["neg_controls"];
  EXPECT_EQ(res.value("verdict", ""), "FAIL") << res.dump(2);
  // The fixture ignores cgroup weights: about 1x where 3x was configured.
  std::string w = detail(res, "weighted_share");
  EXPECT_NE(w.find("weighted share off by"), std::string::npos) << res.dump(2);
  EXPECT_NE(w.find("cg_hi got"), std::string::npos) << w;
  EXPECT_NE(w.find("configured 3.00x (cpu.weight 300 vs 100)"), std::string::npos) << w;
  // ... and cpu.max: the capped cgroup uses about a whole CPU of its half.
  std::string b = detail(res, "bandwidth");
  EXPECT_NE(b.find("over its CPU bandwidth by"), std::string::npos) << res.dump(2);
  EXPECT_NE(b.find("cg_cap used"), std::string::npos) << b;
  EXPECT_NE(b.find("cpu.max allows 0.50"), std::string::npos) << b;
  // Freezing works under any scheduler; never thawing is starvation.
  EXPECT_NE(detail(res, "starvation").find("cgroup cg_frozen was frozen at"), std::string::npos) << res.dump(2);
  EXPECT_EQ(detail(res, "freeze"), "") << res.dump(2);  // and it really did not run while frozen
}

TEST(SchedulerLifecycle, SwapsAreSupervisedAndADyingReplacementIsTheVerdict) {
  KTSTR_REQUIRE_FIXTURE();
  auto r = run_ktstr({"run", "-s", "scheduler_swap", "--scenario-file", scenario_file("neg_swap_dies.json"), "-j",
                      "1", "--json"});
  auto res = results_by_name(r);
  EXPECT_EQ(r.code, 1) << r.err;  // neg_swap_dies fails
  auto swap = res["scheduler_swap"];
  if (swap.value("verdict", "") == "SKIP") {
    EXPECT_NE(swap["result"].value("skip_reason", "").find("scheduler 'simple'"), std::string::npos) << swap.dump(2);
  } else {
    EXPECT_EQ(swap.value("verdict", ""), "PASS") << swap.dump(2);
    // fixture -> scx_simple -> fixture, each attached and unregistered cleanly.
    std::vector<std::string> ops;
    for (const auto& h : swap["scheduler"]["history"]) {
      ops.push_back(h.value("ops", ""));
      EXPECT_TRUE(h.value("ok", false)) << h.dump(2);
      EXPECT_EQ(h["kernel_exit"].value("kind", ""), "unregistered from user space") << h.dump(2);
    }
    EXPECT_EQ(ops, (std::vector<std::string>{"ktstr_fixture", "simple", "ktstr_fixture"})) << swap.dump(2);
  }
  auto dies = res["neg_swap_dies"];
  EXPECT_EQ(dies.value("verdict", ""), "FAIL") << dies.dump(2);
  EXPECT_NE(detail(dies, "scheduler").find("scx_ktstr_fixture died while the test ran (exit code 1)"),
            std::string::npos)
      << dies.dump(2);
  // The attached fixture was restarted and then replaced cleanly; the
  // third instance is the one that died.
  ASSERT_EQ(dies["scheduler"]["history"].size(), 3u) << dies.dump(2);
  EXPECT_TRUE(dies["scheduler"]["history"][0].value("ok", false));
  EXPECT_TRUE(dies["scheduler"]["history"][1].value("ok", false));
  EXPECT_FALSE(dies["scheduler"]["history"][2].value("ok", true));
}
