// Scheduler definitions: validation, JSON and TOML round trips, strictness,
// loading from files.
#include "scheduler/scheduler_def.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "util/error.hpp"
#include "util/files.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::scheduler;
using nlohmann::json;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

SchedulerDef full() {
  SchedulerDef d;
  d.name = "mysched";
  d.binary = "scx_mysched";
  d.description = "quotes \" and \\ and\ttabs";
  d.topology = "1n2l2c1t";
  d.args = {"--verbose", "--mode=x y"};
  d.kernel_cmdline = {"nohz_full=1-3", "nosmt"};
  d.sysctls = {Sysctl::parse("kernel.sched_autogroup_enabled=0"), Sysctl::parse("net/ipv4/conf/eth0.1/rp_filter = 2")};
  d.thresholds.max_spread_pct = 25;
  d.thresholds.max_gap_ms = 4000;
  d.thresholds.fail_on_stall = false;
  d.thresholds.work_conservation = false;
  d.reserved_cpus = {0, 3};
  d.flags = {
      {"fifo", {"-f"}, {}, false, "FIFO"},
      {"batch", {"-b", "8"}, {"fifo"}, false, ""},
      {"boom", {"--boom"}, {"batch"}, true, "fails on purpose"},
  };
  return d;
}

using ktstr::test::error_of;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("ktstr-scheddef-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST(SchedulerDef, JsonRoundTrip) {
  const auto d = full();
  EXPECT_NO_THROW(d.validate());
  const json j = d.to_json();
  EXPECT_EQ(j["flags"][2]["fault"], true);
  EXPECT_EQ(j["flags"][1]["requires"], json::array({"fifo"}));
  EXPECT_EQ(j["sysctls"][1], "net/ipv4/conf/eth0.1/rp_filter=2");
  EXPECT_EQ(SchedulerDef::from_json(j), d);
  EXPECT_EQ(SchedulerDef::from_json(json::parse(j.dump())), d);
}

TEST(SchedulerDef, TomlRoundTrip) {
  const auto d = full();
  const std::string t = d.to_toml();
  EXPECT_EQ(t.find("name = \"mysched\""), 0u) << t;  // the documented order, not sorted
  EXPECT_THAT(t, HasSubstr("\n[thresholds]\n"));
  EXPECT_THAT(t, HasSubstr("\n[[flags]]\nname = \"boom\"\nargs = [\"--boom\"]\nrequires = [\"batch\"]\nfault = true\n"));
  EXPECT_EQ(SchedulerDef::from_toml(t), d) << t;
}

TEST(SchedulerDef, HandWrittenTomlWithDefaults) {
  const auto d = SchedulerDef::from_toml(R"(
name = "simple2"
[thresholds]
max_spread_pct = 30   # an integer is fine for a float knob
[[flags]]
name = "fifo"
args = ["-f"]
)");
  EXPECT_EQ(d.binary, "simple2");  // defaults to the name
  EXPECT_EQ(d.thresholds.max_spread_pct, 30.0);
  ASSERT_EQ(d.flags.size(), 1u);
  EXPECT_FALSE(d.flags[0].fault);
}

TEST(SchedulerDef, TomlCannotSpellUint64Max) {
  auto d = full();
  d.thresholds.max_gap_ms = UINT64_MAX;
  EXPECT_THAT(error_of([&] { (void)d.to_toml(); }), HasSubstr("thresholds.max_gap_ms"));
  EXPECT_EQ(SchedulerDef::from_json(d.to_json()), d);  // JSON can
}

TEST(SchedulerDef, StrictParsing) {
  EXPECT_THAT(error_of([] { SchedulerDef::from_json({{"name", "x"}, {"flag", json::array()}}); }),
              HasSubstr("scheduler 'x': unknown key 'flag'"));
  EXPECT_THAT(error_of([] { SchedulerDef::from_json({{"binary", "x"}}); }), HasSubstr("'name' is required"));
  EXPECT_THAT(error_of([] { SchedulerDef::from_json({{"name", "x"}, {"args", "-f"}}); }),
              HasSubstr("scheduler 'x': args: expected an array of strings"));
  EXPECT_THAT(error_of([] {
                SchedulerDef::from_json({{"name", "x"}, {"flags", {{{"name", "a"}, {"arg", json::array()}}}}});
              }),
              HasSubstr("flags[0]: unknown key 'arg'"));
  EXPECT_THAT(error_of([] { SchedulerDef::from_json({{"name", "x"}, {"thresholds", {{"max_sprad_pct", 1}}}}); }),
              HasSubstr("unknown knob 'max_sprad_pct'"));
  EXPECT_THAT(error_of([] { SchedulerDef::from_toml("name = \"x\"\nargs = [\n", "f.toml"); }), HasSubstr("f.toml:"));
  EXPECT_THAT(error_of([] { SchedulerDef::from_toml("name = \"x\"\nwhen = 1979-05-27\n"); }),
              HasSubstr("dates and times"));
}

TEST(SchedulerDef, ValidationNamesTheProblem) {
  auto with = [](auto edit) {
    auto d = full();
    edit(d);
    return error_of([&] { d.validate(); });
  };
  EXPECT_THAT(with([](SchedulerDef& d) { d.name = "my sched"; }), HasSubstr("name 'my sched'"));
  EXPECT_THAT(with([](SchedulerDef& d) { d.flags[0].name = "a+b"; }), HasSubstr("flag name 'a+b'"));
  EXPECT_THAT(with([](SchedulerDef& d) { d.flags[0].name = "default"; }), HasSubstr("not 'default'"));
  EXPECT_THAT(with([](SchedulerDef& d) { d.flags[1].name = "fifo"; }), HasSubstr("flag 'fifo' is defined twice"));
  EXPECT_THAT(with([](SchedulerDef& d) { d.flags[1].requires_flags = {"nope"}; }),
              HasSubstr("flag 'batch' requires unknown flag 'nope'"));
  EXPECT_THAT(with([](SchedulerDef& d) { d.flags[0].requires_flags = {"boom"}; }),
              HasSubstr("requires fault flag 'boom'"));
  EXPECT_THAT(with([](SchedulerDef& d) { d.kernel_cmdline = {"a b"}; }), HasSubstr("kernel_cmdline entry 'a b'"));
  EXPECT_THAT(with([](SchedulerDef& d) { d.topology = "banana"; }), HasSubstr("scheduler 'mysched': topology:"));
}

TEST(Sysctl, ParseAndProcPath) {
  EXPECT_EQ(Sysctl::parse("kernel.foo = 1").proc_path(), "/proc/sys/kernel/foo");
  EXPECT_EQ(Sysctl::parse("net/ipv4/conf/eth0.1/rp_filter=2").proc_path(), "/proc/sys/net/ipv4/conf/eth0.1/rp_filter");
  EXPECT_EQ(Sysctl::parse("kernel.foo=").value, "");
  EXPECT_THAT(error_of([] { Sysctl::parse("kernel.foo"); }), HasSubstr("expected key=value"));
  EXPECT_THAT(error_of([] { Sysctl::parse("../etc/x=1"); }), HasSubstr("inside /proc/sys"));
  EXPECT_THAT(error_of([] { Sysctl::parse("a b=1"); }), HasSubstr("one word"));
}

TEST(SchedulerDef, LoadAndSaveByExtension) {
  TempDir tmp;
  auto d = full();
  for (const char* f : {"d.json", "d.toml"}) {
    d.save(tmp.path / f);
    EXPECT_EQ(SchedulerDef::load(tmp.path / f), d) << f;
  }
  EXPECT_EQ(ktstr::read_file(tmp.path / "d.json").front(), '{');

  // A relative binary path is relative to the definition file.
  d.binary = "./bin/scx_mysched";
  d.save(tmp.path / "rel.toml");
  EXPECT_EQ(SchedulerDef::load(tmp.path / "rel.toml").binary, (tmp.path / "bin/scx_mysched").string());

  ktstr::write_file_atomic(tmp.path / "bad.json", "name = \"x\"\n");
  const std::string err = error_of([&] { SchedulerDef::load(tmp.path / "bad.json"); });
  EXPECT_THAT(err, HasSubstr("bad.json: not valid JSON"));
  EXPECT_THAT(err, HasSubstr("must end in .toml"));
  ktstr::write_file_atomic(tmp.path / "bad.toml", "name = \"x\"\nbogus = 1\n");
  EXPECT_THAT(error_of([&] { SchedulerDef::load(tmp.path / "bad.toml"); }),
              HasSubstr("bad.toml: scheduler 'x': unknown key 'bogus'"));
}

TEST(SchedulerDef, ReservedCpusAreCpuNumbers) {
  auto ok = SchedulerDef::from_json(json{{"name", "c"}, {"reserved_cpus", {0, 2}}});
  EXPECT_EQ(ok.reserved_cpus, (std::vector<uint32_t>{0, 2}));
  EXPECT_THAT(error_of([] { SchedulerDef::from_json(json{{"name", "c"}, {"reserved_cpus", {-1}}}); }),
              HasSubstr("expected a non-negative CPU number"));
  EXPECT_THAT(error_of([] { SchedulerDef::from_json(json{{"name", "c"}, {"reserved_cpus", "0"}}); }),
              HasSubstr("expected an array of CPU numbers"));
  EXPECT_THAT(error_of([] { SchedulerDef::from_toml("name = \"c\"\nreserved_cpus = [9999]\n"); }),
              HasSubstr("beyond the largest topology"));
}
