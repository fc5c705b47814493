#include "fixtures.hpp"

namespace ktstr::report::testing {
using nlohmann::json;

json sample_record(const std::string& test, unsigned cpus, unsigned samples, const std::string& verdict) {
  json t = json::array(), nr = json::array(), dsq = json::array(), scx = json::array();
  for (unsigned i = 0; i < samples; ++i) {
    t.push_back(1.0 + 0.1 * i);
    scx.push_back(i > 0 ? 1 : 0);
  }
  for (unsigned c = 0; c < cpus; ++c) {
    json a = json::array(), b = json::array();
    for (unsigned i = 0; i < samples; ++i) {
      a.push_back((i + c) % 4);
      b.push_back(i % 3 == 0 ? c : 0);
    }
    nr.push_back(a);
    dsq.push_back(b);
  }
  json monitor{
      {"available", true},
      {"judged", true},
      {"interval_ms", 100},
      {"cpus", cpus},
      {"notes", json::array()},
      {"summary", {{"samples", samples}, {"judged_samples", samples - 2}, {"max_imbalance_ratio", 3.0},
                   {"max_dsq_depth", cpus - 1}, {"stall_count", 1}, {"work_conservation_count", 0},
                   {"total_fallback", 0}, {"total_keep_last", 0}}},
      {"verdicts", json::array({
           {{"check", "stall"}, {"cpu", 1}, {"t", 1.8}, {"value", 0.6}, {"threshold", 0.5}, {"samples", 5},
            {"message", "cpu1 made no progress for 0.6 s with 2 tasks queued"}},
           {{"check", "imbalance"}, {"cpu", -1}, {"t", 1.9}, {"value", 5.0}, {"threshold", 4.0}, {"samples", 5},
            {"message", "run-queue imbalance 5.0 </script><b>x</b>"}},
       })},
      {"timeline",
       {{"events", json::array({{{"t", 1.0}, {"event", "backdrop"}},
                                {{"t", 1.05}, {"event", "sched_ext enabled (host view, scx_enable_seq 1)"}},
                                {{"t", 1.5}, {"event", "step 1 start"}},
                                {{"t", 1.6}, {"event", "spawn CpuSpin x2 in cg_0"}}})},
        {"samples", {{"stride", 1}, {"t", t}, {"nr_running", nr}, {"local_dsq", dsq}, {"scx", scx},
                     {"events", json::object()}}}}}};
  json result{{"name", test},
              {"verdict", verdict},
              {"seconds", 6.5},
              {"result", {{"passed", verdict == "PASS"}, {"skipped", false},
                          {"details", verdict == "PASS" ? json::array()
                                                        : json::array({{{"kind", "monitor"},
                                                                        {"message", "stall at +1.8s on cpu1"}}})},
                          {"stats", {{"worst_spread", 3.25}, {"worst_gap_ms", 120}, {"total_workers", 4},
                                     {"cgroups", json::array({{{"cgroup", "cg_0"}, {"workers", 2},
                                                               {"cpus", {0, 1, 2}}, {"spread_pct", 3.25}}})}}}}},
              {"monitor", monitor},
              {"watchdog", json::array({{{"t", 1.06}, {"kind", "shortened"}, {"detail", "30000 ms -> 4000 ms"}}})},
              {"scheduler", {{"ops", "ktstr_fixture"}, {"failure", "ok"}, {"log", "fixture: loaded\n"}}}};
  return {{"id", 7},
          {"run_id", "20261130-140512-3f9a"},
          {"started", "2026-11-30T14:05:12Z"},
          {"identity", {{"test", test}, {"variant", ""}, {"topology", "1n1l3c1t"}, {"scheduler", "ktstr_fixture"},
                        {"flags", "default"}, {"kernel", "7.2.13"}, {"vmm", "qemu"}, {"commit", "bf45f92"},
                        {"work_type", ""}}},
          {"verdict", verdict},
          {"seconds", 6.5},
          {"result", result},
          {"host", {{"hostname", "ci"}, {"cpus", 2}, {"load1", 1.5}, {"ktstr", "0.1.0"}}}};
}

}  // namespace ktstr::report::testing
