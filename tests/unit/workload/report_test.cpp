#include <gtest/gtest.h>

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "workload/proc_stats.hpp"
#include "workload/report.hpp"
#include "workload/reservoir.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::workload;
using ktstr::test::error_of;

namespace {

WorkerReport sample_report() {
  WorkerReport r;
  r.pid = 1234;
  r.index = 3;
  r.work_type = "PipeIo";
  r.work_units = 99'000;
  r.iterations = 97;
  r.cpu_time_ns = 1'500'000'000;
  r.wall_time_ns = 2'000'000'000;
  r.off_cpu_ns = 500'000'000;
  r.migrations = 7;
  r.cpus_used = {0, 2, 5};
  r.max_gap_ns = 12'345'678;
  r.max_gap_cpu = 2;
  r.max_gap_at_ns = 640'000'000;
  r.numa_pages_migrated = 12;
  r.wake_latencies_ns = {1000, 2000, 18'000'000'000'000ull};
  r.wake_samples_seen = 10;
  r.schedstat = {true, 1'400'000'000, 300'000'000, 4242};
  r.numa_pages = {{0, 100}, {1, 7}};
  r.completed = true;
  r.exit_kind = ExitKind::Reported;
  r.exit_code = 0;
  r.error = "";
  return r;
}

}  // namespace

TEST(Report, JsonRoundTrip) {
  WorkerReport r = sample_report();
  std::string text = nlohmann::json(r).dump();
  WorkerReport back = nlohmann::json::parse(text).get<WorkerReport>();
  EXPECT_EQ(back, r);
  EXPECT_NE(text.find("\"exit_kind\":\"reported\""), std::string::npos);
  EXPECT_NE(text.find("\"numa_pages\":{\"0\":100,\"1\":7}"), std::string::npos) << text;
}

TEST(Report, CborRoundTrip) {
  WorkerReport r = sample_report();
  r.wake_latencies_ns.assign(kMaxWakeSamples, 777);
  EXPECT_EQ(decode_report(encode_report(r)), r);
}

TEST(Report, DecodeRejectsGarbage) {
  EXPECT_EQ(error_of([] { decode_report({}); }), "worker report is empty (the worker wrote none)");
  EXPECT_EQ(error_of([] { decode_report({0xff, 0x00, 0x12}); }),
            "worker report (3 bytes) is not valid CBOR: parse error at byte 1: syntax error while parsing CBOR value: "
            "invalid byte: 0xFF");
  auto bytes = encode_report(sample_report());
  bytes.resize(bytes.size() / 2);  // a worker killed mid-write
  EXPECT_KTSTR_ERROR(decode_report(bytes),
                     fmt::format("worker report ({} bytes) is not valid CBOR: parse error at byte", bytes.size()));
  EXPECT_KTSTR_ERROR(decode_report(bytes), "unexpected end of input");
}

// Valid CBOR that is not a report: the message names the field and what is
// wrong with it, not nlohmann's exception text.
TEST(Report, DecodeNamesTheMalformedField) {
  auto decode = [](const nlohmann::json& j) { return error_of([&] { decode_report(nlohmann::json::to_cbor(j)); }); };
  const nlohmann::json good = sample_report();
  EXPECT_EQ(decode(nlohmann::json::array({1, 2})), "worker report is array ([1,2]), not an object");
  auto j = good;
  j.erase("cpus_used");
  EXPECT_EQ(decode(j), "worker report field 'cpus_used' is missing");
  j = good;
  j["cpus_used"] = "0-3";
  EXPECT_EQ(decode(j), "worker report field 'cpus_used' is string (\"0-3\"), not an array of CPU numbers");
  j["cpus_used"] = {0, -1};
  EXPECT_EQ(decode(j), "worker report field 'cpus_used' is array ([0,-1]), not an array of CPU numbers");
  j = good;
  j["work_units"] = -5;
  EXPECT_EQ(decode(j), "worker report field 'work_units' is number (-5), not a non-negative integer");
  j["work_units"] = true;
  EXPECT_EQ(decode(j), "worker report field 'work_units' is boolean (true), not a non-negative integer");
  j = good;
  j["schedstat"].erase("run_count");
  EXPECT_EQ(decode(j), "worker report field 'schedstat.run_count' is missing");
  j["schedstat"] = 3;
  EXPECT_EQ(decode(j), "worker report field 'schedstat' is number (3), not an object");
  j = good;
  j["numa_pages"] = {{"x", 1}};
  EXPECT_EQ(decode(j), "worker report field 'numa_pages' has key 'x', not a NUMA node number");
  j["numa_pages"] = {{"0", "many"}};
  EXPECT_EQ(decode(j), "worker report field 'numa_pages.0' is string (\"many\"), not a non-negative integer");
  j = good;
  j["exit_kind"] = "vanished";
  EXPECT_EQ(decode(j), "worker report field 'exit_kind': unknown worker exit kind 'vanished'");
}

TEST(Report, SentinelFailsStarvation) {
  WorkerReport s = sentinel_report(55, 1, "CpuSpin", ExitKind::Signaled, -1, 9);
  EXPECT_FALSE(s.completed);
  EXPECT_EQ(s.work_units, 0u);
  EXPECT_EQ(s.exit_signal, 9);
  EXPECT_NE(s.describe_exit().find("signal 9"), std::string::npos) << s.describe_exit();
  EXPECT_EQ(nlohmann::json(s).get<WorkerReport>(), s);
}

TEST(Report, ExitKindNames) {
  for (auto k : {ExitKind::Reported, ExitKind::Failed, ExitKind::Exited, ExitKind::Signaled,
                 ExitKind::Timeout, ExitKind::NeverStarted, ExitKind::BadReport})
    EXPECT_EQ(parse_exit_kind(exit_kind_name(k)), k);
  EXPECT_KTSTR_ERROR(parse_exit_kind("vanished"), "unknown worker exit kind 'vanished'");
}

TEST(Report, OffCpuFraction) {
  WorkerReport r;
  EXPECT_EQ(r.off_cpu_fraction(), 0.0);
  r.wall_time_ns = 200;
  r.off_cpu_ns = 50;
  EXPECT_DOUBLE_EQ(r.off_cpu_fraction(), 0.25);
}

TEST(Reservoir, KeepsEverythingBelowCapacity) {
  Reservoir res(10);
  for (uint64_t i = 0; i < 7; ++i) res.add(i);
  EXPECT_EQ(res.samples().size(), 7u);
  EXPECT_EQ(res.seen(), 7u);
}

TEST(Reservoir, CapsAndSamplesUniformly) {
  Reservoir res(1000, 42);
  const uint64_t n = 100'000;
  for (uint64_t i = 0; i < n; ++i) res.add(i);
  EXPECT_EQ(res.samples().size(), 1000u);
  EXPECT_EQ(res.seen(), n);
  // A uniform sample of 0..n-1 has a mean near n/2 and hits both halves.
  double sum = 0;
  size_t upper = 0;
  for (auto v : res.samples()) {
    sum += static_cast<double>(v);
    upper += v >= n / 2;
  }
  EXPECT_NEAR(sum / 1000, n / 2.0, n * 0.05);
  EXPECT_GT(upper, 400u);
  EXPECT_LT(upper, 600u);
  auto taken = res.take();
  EXPECT_EQ(taken.size(), 1000u);
  EXPECT_TRUE(res.samples().empty());
  EXPECT_EQ(res.seen(), n);
}

TEST(ProcStats, ParsesSchedstat) {
  auto s = parse_schedstat("123456 789 42\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->cpu_time_ns, 123456u);
  EXPECT_EQ(s->run_delay_ns, 789u);
  EXPECT_EQ(s->run_count, 42u);
  EXPECT_FALSE(parse_schedstat("1 2"));
  EXPECT_FALSE(parse_schedstat("a b c"));
  if (std::FILE* f = std::fopen("/proc/self/schedstat", "r")) {
    std::fclose(f);
    EXPECT_TRUE(read_schedstat().has_value());
  }
}

TEST(ProcStats, ParsesNumaPagesMigrated) {
  const char* text =
      "cat (15582, #threads: 1)\n"
      "mm->numa_scan_seq                            :                    0\n"
      "numa_pages_migrated                          :                   17\n"
      "numa_preferred_nid                           :                   -1\n";
  EXPECT_EQ(parse_numa_pages_migrated(text), std::optional<uint64_t>(17));
  EXPECT_FALSE(parse_numa_pages_migrated("nr_switches : 3\n"));
}

TEST(ProcStats, ParsesNumaMaps) {
  const char* text =
      "55d0c000 default file=/bin/x mapped=3 N0=3 kernelpagesize_kB=4\n"
      "7f00 interleave:0-1 anon=10 dirty=10 N0=6 N1=4 kernelpagesize_kB=4\n"
      "7f10 default stack anon=2 N1=2\n";
  auto m = parse_numa_maps(text);
  EXPECT_EQ(m, (std::map<int, uint64_t>{{0, 9}, {1, 6}}));
  EXPECT_TRUE(parse_numa_maps("").empty());
  EXPECT_TRUE(parse_numa_maps("N=3 Nx=4 N0=y").empty());
}
