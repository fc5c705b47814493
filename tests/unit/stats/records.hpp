#pragma once
// Hand-built run records of the contract shape (docs/record_contract.md):
// only the fields the stats code reads.
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace ktstr::stats::testing {

struct Rec {
  std::string run = "20261130-100000-aaaa";
  std::string test = "steady";
  std::string topology = "1n2l2c1t";
  std::string scheduler = "ktstr_fixture";
  std::string flags = "default";
  std::string commit = "abc1234";
  std::string vmm = "qemu";
  std::string work_type = "";
  std::string verdict = "PASS";
  bool emulated = true;
  bool judged = true;      // a sched_ext scheduler ran
  bool monitor = true;
  uint64_t wake_samples = 0;
  std::map<std::string, double> stats;  // check::Stats roll-ups
  std::map<std::string, double> mon;    // monitor summary

  nlohmann::json json() const {
    nlohmann::json st = {{"cgroups", nlohmann::json::array({{{"cgroup", "cg_0"}, {"wake_samples", wake_samples}}})}};
    for (const auto& [k, v] : stats) st[k] = v;
    nlohmann::json result = {{"name", test}, {"verdict", verdict},
                             {"result", {{"passed", verdict == "PASS"}, {"skipped", verdict == "SKIP"}, {"stats", st}}},
                             {"vmm", {{"vmm", vmm}, {"reason", "test"}, {"emulated", emulated}}}};
    if (monitor) {
      nlohmann::json sum = {{"samples", 50}};
      for (const auto& [k, v] : mon) sum[k] = v;
      result["monitor"] = {{"available", true}, {"judged", judged}, {"summary", sum}};
    }
    return {{"id", 1},
            {"run_id", run},
            {"started", "2026-11-30T10:00:00Z"},
            {"identity",
             {{"test", test}, {"variant", ""}, {"topology", topology}, {"scheduler", scheduler}, {"flags", flags},
              {"kernel", "6.12.0"}, {"vmm", vmm}, {"commit", commit}, {"work_type", work_type}}},
            {"verdict", verdict},
            {"seconds", 6.0},
            {"result", result},
            {"host", {{"hostname", "h"}, {"cpus", 2}}}};
  }
};

}  // namespace ktstr::stats::testing
