// The host monitor against a real kernel and ktstr's fixture sched_ext
// scheduler: each negative fault is caught by the monitor check meant for
// it, on the right CPU, before the kernel's own watchdog; the host writes a
// fault switch into the scheduler's .bss and the scheduler reacts; the
// verifier counts the host reads from guest memory equal what the guest
// kernel reports; and the same works on a KASLR boot. (Zero verdicts on
// healthy runs is what the curated-catalog tests under the fixture and
// scx_simple in scheduler_test.cpp assert: every one must PASS.)
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <nlohmann/json.hpp>

#include "ktstr/cpu_list.hpp"
#include "vm_harness.hpp"

using ktstr::vmtest::run_ktstr;
using nlohmann::json;

namespace {

json run_one(std::vector<std::string> args, int* code) {
  args.insert(args.begin(), {"run", "--json", "--scheduler", "fixture"});
  auto r = run_ktstr(args);
  *code = r.code;
  return ktstr::vmtest::single_result(r);
}

std::vector<json> verdicts(const json& res, const std::string& check) {
  std::vector<json> out;
  for (const auto& v : res["monitor"].value("verdicts", json::array()))
    if (v.value("check", "") == check) out.push_back(v);
  return out;
}

// When the host saw sched_ext go away (the kernel ejected the scheduler).
double disabled_at(const json& res) {
  for (const auto& e : res["monitor"]["timeline"].value("events", json::array()))
    if (e.value("event", "") == "sched_ext disabled (host view)") return e.value("t", 0.0);
  return 1e9;
}

std::string details(const json& res) {
  std::string s;
  for (const auto& d : res["result"]["details"]) s += d.value("kind", "") + ": " + d.value("message", "") + "\n";
  return s;
}

// The kernel really was randomised (virtual offset and physical load
// address both zero would be a PVH-like fixed layout), and the monitor
// found it.
void expect_randomised(const json& res) {
  std::string off = res["monitor"].value("kaslr_offset", "");
  std::string pb = res["monitor"].value("phys_base", "");
  ASSERT_NE(off, "") << "the monitor never attached: " << res["monitor"].dump(1).substr(0, 2000);
  EXPECT_FALSE(off == "0x0" && pb == "0x0") << "booted without KASLR? offset " << off << " phys_base " << pb;
}

void expect_stall_on_cpu1_before_ejection(const json& res, int code) {
  EXPECT_EQ(code, 1);
  auto st = verdicts(res, "stall");
  ASSERT_FALSE(st.empty()) << details(res) << res["monitor"].dump(1).substr(0, 4000);
  EXPECT_EQ(st[0].value("cpu", -1), 1) << st[0].dump();
  // Only CPU 1's queue is stuck; no other CPU is accused of stalling.
  for (const auto& v : st) EXPECT_EQ(v.value("cpu", -1), 1) << v.dump();
  // Before the kernel's watchdog (4 s, from the host) ejected the scheduler.
  double ejected = disabled_at(res);
  EXPECT_LT(st[0].value("t", 1e9), ejected) << st[0].dump() << " ejected at " << ejected;
  std::string d = details(res);
  EXPECT_NE(d.find("monitor: stall at"), std::string::npos) << d;
  EXPECT_NE(d.find("(runnable task stall)"), std::string::npos) << "the kernel agrees:\n" << d;
}

void expect_host_poke_seen(const json& res, int code) {
  EXPECT_EQ(code, 1);
  // The scheduler reacted to the value the host wrote: it ejected itself
  // quoting it.
  std::string d = details(res);
  EXPECT_NE(d.find("host wrote 4242 into .bss host_poke"), std::string::npos) << d;
  auto writes = res["monitor"]["bpf"].value("writes", json::array());
  ASSERT_EQ(writes.size(), 2u) << res["monitor"]["bpf"].dump(1);
  json good, bad;
  for (const auto& w : writes) (w.value("spec", "").find("host_poke") != std::string::npos ? good : bad) = w;
  EXPECT_TRUE(good.value("ok", false)) << writes.dump(1);
  EXPECT_NE(good.value("detail", "").find("fixture.bss:host_poke 0 -> 4242"), std::string::npos) << writes.dump(1);
  // The bad spec is a failure that names the problem.
  EXPECT_FALSE(bad.value("ok", true)) << writes.dump(1);
  EXPECT_NE(d.find("--bpf-write .bss:no_such_var=1@0: map 'fixture.bss' has no variable 'no_such_var'"),
            std::string::npos) << d;
}

}  // namespace

TEST(Monitor, NonWorkConservingSchedulerFailsWorkConservation) {
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_one({"-s", "steady", "--flags", "all-to-cpu0"}, &code);
  EXPECT_EQ(code, 1);
  auto wc = verdicts(res, "work_conservation");
  ASSERT_EQ(wc.size(), 1u) << details(res) << res["monitor"].dump(1).substr(0, 4000);
  EXPECT_EQ(wc[0].value("cpu", -1), 0) << wc[0].dump();
  EXPECT_GE(wc[0].value("value", 0.0), 1.0) << "the queue length";
  auto idle = wc[0].value("idle_cpus", ktstr::CpuList{});
  EXPECT_FALSE(idle.empty()) << wc[0].dump();
  for (uint32_t c : idle) EXPECT_NE(c, 0u);
  EXPECT_NE(details(res).find("monitor: work_conservation at"), std::string::npos) << details(res);
  // No stall: everything runs, just all of it on CPU 0.
  EXPECT_TRUE(verdicts(res, "stall").empty()) << res["monitor"]["verdicts"].dump(1);
  // The scheduler's own variables, read from its BPF maps in guest memory
  // and typed through their BTF: the fault's setting and its own count.
  const auto& vars = res["monitor"]["bpf"]["variables"];
  EXPECT_EQ(vars["fixture.rodata"].value("all_to_cpu", -1), 0) << vars.dump(1);
  EXPECT_GT(vars["fixture.bss"].value("nr_pinned", 0), 0) << vars.dump(1);
  // The timeline travels with the result: samples per CPU, step events.
  const auto& tl = res["monitor"]["timeline"];
  EXPECT_GE(tl["samples"]["t"].size(), 10u);
  EXPECT_EQ(tl["samples"]["nr_running"].size(), 4u);
  bool step = false;
  for (const auto& e : tl["events"]) step |= e.value("event", "") == "step 1 start";
  EXPECT_TRUE(step) << tl["events"].dump();
}

TEST(Monitor, StallOnOneCpuIsFlaggedOnThatCpuBeforeTheWatchdog) {
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_one({"-s", "steady", "--flags", "stall-cpu"}, &code);
  expect_stall_on_cpu1_before_ejection(res, code);
}

TEST(Monitor, HostWritesAFaultSwitchIntoTheSchedulersBss) {
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_one({"-s", "steady", "--bpf-write", ".bss:host_poke=4242@0.5", "--bpf-write",
                      ".bss:no_such_var=1@0"},
                     &code);
  expect_host_poke_seen(res, code);
}

TEST(Monitor, VerifiedInstructionCountsEqualWhatTheGuestReports) {
  KTSTR_REQUIRE_FIXTURE();
  auto r = run_ktstr({"verifier", "--scheduler", "fixture", "--json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto j = json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out << r.err;
  ASSERT_EQ(j.size(), 1u);
  auto progs = j[0]["programs"];
  // select_cpu, enqueue, dispatch, init, exit.
  ASSERT_GE(progs.size(), 5u) << j.dump(1);
  std::set<std::string> names;
  for (const auto& p : progs) {
    names.insert(p.value("name", ""));
    ASSERT_TRUE(p.contains("guest_verified_insns")) << p.dump();
    EXPECT_EQ(p.value("verified_insns", 0), p.value("guest_verified_insns", -1)) << p.dump();
    EXPECT_GT(p.value("verified_insns", 0), 0) << p.dump();
  }
  // The kernel keeps 15 characters of a program's name (BPF_OBJ_NAME_LEN).
  for (const char* n : {"fixture_enqueue", "fixture_dispatc", "fixture_select_"})
    EXPECT_TRUE(names.count(n)) << n << " missing: " << j.dump(1);
  EXPECT_TRUE(j[0].value("consistent", false));
}

TEST(Monitor, KaslrBootStallIsFlaggedOnTheRightCpu) {
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_one({"-s", "steady", "--flags", "stall-cpu", "--kaslr"}, &code);
  expect_randomised(res);
  expect_stall_on_cpu1_before_ejection(res, code);
}

TEST(Monitor, KaslrBootHostWritesIntoTheSchedulersBss) {
  KTSTR_REQUIRE_FIXTURE();
  int code = 0;
  auto res = run_one({"-s", "steady", "--kaslr", "--bpf-write", ".bss:host_poke=4242@0.5", "--bpf-write",
                      ".bss:no_such_var=1@0"},
                     &code);
  expect_randomised(res);
  expect_host_poke_seen(res, code);
}

TEST(Monitor, BadMonitorOptionsAreUsageErrors) {
  KTSTR_REQUIRE_VM();
  auto r = run_ktstr({"run", "-s", "steady", "--bpf-write", "host_poke=1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("expected MAP:VAR=VALUE[@SECONDS]"), std::string::npos) << r.err;
  auto v = run_ktstr({"verifier"});
  EXPECT_EQ(v.code, 2);
  EXPECT_NE(v.err.find("verifier needs --scheduler"), std::string::npos) << v.err;
}
