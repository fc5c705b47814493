// The bad-input corpus: every wrong input to the real `ktstr` binary exits 2
// with a message naming the mistake, before anything starts (the QEMU it
// would run is a shim that leaves a mark), and leaves nothing behind (no
// file in its cache or TMPDIR, no orphaned process: this test is a child
// subreaper, so anything ktstr leaks becomes our child).
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bad_input_fixtures.hpp"
#include "support/ktstr_test_support.hpp"
#include "util/process.hpp"

namespace ktstr::clitest {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

enum class Cache { fresh, under_a_file, read_only, full };

struct Case {
  std::string name;
  std::vector<std::string> args;  // {f}: the fixtures, {kernel}: the real kernel
  std::string message;            // must appear in stderr
  Cache cache = Cache::fresh;
};

// Every `run`/`shell` case gets the real kernel unless it names its own, so
// an input that slips through validation reaches the QEMU shim and is caught
// as "started" instead of fetching a kernel.
const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      // Topologies.
      {"TopologyZero", {"run", "-s", "steady", "-t", "0n0l0c0t"}, "topology 0n0l0c0t: numa_nodes must be at least 1"},
      {"TopologyZeroCores", {"run", "-s", "steady", "-t", "1n1l0c1t"}, "topology 1n1l0c1t: cores_per_llc must be at least 1"},
      {"TopologyZeroThreads", {"shell", "-e", "true", "--topology", "1n1l1c0t"},
       "topology 1n1l1c0t: threads_per_core must be at least 1"},
      {"TopologyAbsurd", {"run", "-s", "steady", "-t", "1n999l999c2t"},
       "topology 1n999l999c2t has 1996002 CPUs; the VM backend allows at most 255"},
      {"TopologyNonMultiple", {"run", "-s", "steady", "-t", "2n3l2c1t"},
       "topology 2n3l2c1t: llcs (3) must be a multiple of numa_nodes (2)"},
      {"TopologyUnparsable", {"run", "-s", "steady", "-t", "banana"}, "unknown topology 'banana': expected N,L,C,T"},
      {"TopologyShortTuple", {"shell", "-e", "true", "--topology", "1,2,3"}, "topology '1,2,3': N,L,C,T takes 4 numbers"},
      {"TopologyNegative", {"run", "-s", "steady", "--topology", "1,2,-4,1"},
       "topology '1,2,-4,1': cores_per_llc is -4, a negative count"},
      {"TopologyOverCapacity", {"run", "-s", "steady", "-t", "max-cpu"}, "cannot be presented by QEMU"},
      // Cpuset specs.
      {"CpusetUnknown", {"run", "--scenario-file", "{f}/cs-unknown.json"},
       "bad cpuset 'bogus(1)': expected llc(i), numa(n), range(a,b), disjoint(i,of), overlap(i,of,f) or exact(cpus)"},
      {"CpusetMissingCpus", {"run", "--scenario-file", "{f}/cs-missing-cpus.json"},
       "cpuset exact(0-99): CPU(s) 4-99 do not exist (topology has 0-3)"},
      {"CpusetBackwards", {"run", "--scenario-file", "{f}/cs-backwards.json"},
       "bad cpuset 'exact(3-1)': bad CPU list '3-1': range '3-1' runs backwards"},
      {"CpusetPartIndex", {"run", "--scenario-file", "{f}/cs-part-index.json"},
       "cpuset disjoint(2,2): part index 2 must be below the part count 2"},
      {"CpusetLlcRange", {"run", "--scenario-file", "{f}/cs-llc-range.json"},
       "cpuset llc(9): LLC index out of range, topology has 2 LLC(s)"},
      {"CpusetNumaRange", {"run", "--scenario-file", "{f}/cs-numa-range.json"}, "numa(3)"},
      // Scenario files.
      {"ScenarioSyntax", {"run", "--scenario-file", "{f}/sc-syntax.json"},
       "scenario: not valid JSON: [json.exception.parse_error.101] parse error at line 1, column 2"},
      {"ScenarioEmpty", {"run", "--scenario-file", "{f}/sc-empty.json"},
       "scenario: not valid JSON: [json.exception.parse_error.101] parse error at line 1, column 1"},
      {"ScenarioNotObject", {"run", "--scenario-file", "{f}/sc-array.json"}, "scenario: expected a JSON object, got []"},
      {"ScenarioWrongType", {"run", "--scenario-file", "{f}/sc-type.json"},
       "scenario.duration_ms: expected an integer in [-9223372036854775808, 9223372036854775807], got \"abc\""},
      {"ScenarioUnknownKey", {"run", "--scenario-file", "{f}/sc-unknown-key.json"}, "scenario: unknown key 'bogus'"},
      {"ScenarioNoSteps", {"run", "--scenario-file", "{f}/sc-no-steps.json"}, "scenario: has no steps"},
      {"ScenarioUnknownOp", {"run", "--scenario-file", "{f}/sc-unknown-op.json"},
       "scenario.steps[0].ops[0].op: unknown op 'frobnicate'"},
      {"ScenarioImpossibleStep", {"run", "--scenario-file", "{f}/sc-missing-cgroup.json"},
       "step 1 op remove_cgroup: cgroup 'nope' does not exist"},
      {"ScenarioZeroWorkers", {"run", "--scenario-file", "{f}/sc-zero-workers.json"},
       "zero workers: a group without workers would pass every check"},
      {"ScenarioNegativeWorkers", {"run", "--scenario-file", "{f}/sc-negative-workers.json"},
       "scenario.backdrop.cgroups[0].works[0].workers: expected an integer in [0, 4294967295], got -1"},
      {"ScenarioHugeWorkers", {"run", "--scenario-file", "{f}/sc-huge-workers.json"},
       "4000000000 workers is more than 1024 per group"},
      {"ScenarioHugeDuration", {"run", "--scenario-file", "{f}/sc-huge-duration.json"},
       "duration 99999999999 ms is more than a day (86400000 ms)"},
      {"ScenarioHoldFraction", {"run", "--scenario-file", "{f}/sc-hold-fraction.json"},
       "step 1 hold: fraction 5 is outside [0, 1]"},
      {"ScenarioUnknownWorkType", {"run", "--scenario-file", "{f}/sc-unknown-work.json"}, "unknown work type 'Frob'"},
      {"ScenarioFileMissing", {"run", "--scenario-file", "{f}/no-such.json"}, "--scenario-file: File does not exist"},
      {"ScenarioNameUnknown", {"run", "-s", "nosuch"}, "unknown scenario 'nosuch' (see `ktstr list`)"},
      {"FilterMatchesNothing", {"run", "--filter", "zzzz"}, "no scenario matches --filter 'zzzz'"},
      // Kernels.
      {"KernelMissing", {"shell", "-e", "true", "--kernel", "{f}/no-such-kernel"}, "no such file or directory"},
      {"KernelEmpty", {"shell", "-e", "true", "--kernel", "{f}/kernel-empty"}, "is neither an ELF vmlinux nor an x86 bzImage"},
      {"KernelJunk", {"shell", "-e", "true", "--kernel", "{f}/kernel-junk"}, "is neither an ELF vmlinux nor an x86 bzImage"},
      {"KernelTruncated", {"run", "-s", "steady", "--kernel", "{f}/kernel-truncated"},
       "ELF file is truncated: segment 0 needs bytes up to"},
      {"KernelWrongArch", {"shell", "-e", "true", "--kernel", "{f}/kernel-aarch64"},
       "not an x86-64 kernel (ELF class 64, machine 183); ktstr boots x86-64 guests"},
      {"KernelNotAKernel", {"shell", "-e", "true", "--kernel", "{f}/kernel-not-a-kernel"}, "has no PVH entry point"},
      {"KernelCorruptBzImage", {"shell", "-e", "true", "--kernel", "{f}/kernel-bzimage-corrupt"},
       "bzImage boot protocol 0.00 is too old"},
      {"KernelNoSchedExt", {"run", "-s", "steady", "--kernel", "{f}/kernel-no-sched-ext"},
       "CONFIG_SCHED_CLASS_EXT=y (currently not set)"},
      // Scheduler binaries.
      {"SchedulerMissing", {"run", "-s", "steady", "--scheduler", "{f}/no-such-sched"}, "not an executable file"},
      {"SchedulerNotExecutable", {"run", "-s", "steady", "--scheduler", "{f}/sched-not-executable"},
       "not an executable file"},
      {"SchedulerNotElf", {"run", "-s", "steady", "--scheduler", "{f}/sched-not-elf"}, "sched-not-elf is not an ELF executable"},
      {"SchedulerMissingLibrary", {"run", "-s", "steady", "--scheduler", "{f}/sched-missing-lib"},
       "library libq.so.6 needed by"},
      {"SchedulerUnknownName", {"run", "-s", "steady", "--scheduler", "nosuchsched"},
       "scheduler 'nosuchsched' not found"},
      {"ShellSchedulerNotElf", {"shell", "-e", "true", "--scheduler", "{f}/sched-not-elf"}, "is not an ELF executable"},
      // Scheduler definitions and flags.
      {"DefCyclicRequires", {"run", "-s", "steady", "--scheduler-def", "{f}/def-cyclic.toml"},
       "scheduler 'cyc': flag requirements form a cycle: a -> b -> c -> a"},
      {"DefUnknownRequires", {"run", "-s", "steady", "--scheduler-def", "{f}/def-unknown-requires.toml"},
       "flag 'a' requires unknown flag 'zz'"},
      {"DefSyntax", {"run", "-s", "steady", "--scheduler-def", "{f}/def-syntax.toml"}, "def-syntax.toml:1:"},
      {"DefUnknownKey", {"run", "-s", "steady", "--scheduler-def", "{f}/def-unknown-key.toml"}, "unknown key 'colour'"},
      {"FlagUnknown", {"run", "-s", "steady", "--scheduler-def", "{f}/def-plain.toml", "--flags", "nope"},
       "--flags nope: unknown flag 'nope' for scheduler 'plain' (it has no flags)"},
      {"FlagsWithoutScheduler", {"run", "-s", "steady", "--flags", "stall"}, "--flags and --sched-args need --scheduler"},
      // Absurd numbers.
      {"WorkersZero", {"run", "-s", "steady", "--workers", "0"}, "--workers: Value 0 not in range 1 to 1024"},
      {"WorkersAbsurd", {"run", "-s", "steady", "--workers", "100000"}, "--workers: Value 100000 not in range 1 to 1024"},
      {"DurationZero", {"run", "-s", "steady", "--duration-ms", "0"}, "--duration-ms: Value 0 not in range 100 to"},
      {"DurationAbsurd", {"run", "-s", "steady", "--duration-ms", "999999999"}, "--duration-ms: Value 999999999 not in range"},
      {"DurationNotANumber", {"run", "-s", "steady", "--duration-ms", "soon"}, "--duration-ms"},
      {"MemoryTiny", {"run", "-s", "steady", "--memory-mb", "1"}, "--memory-mb: Value 1 not in range 128 to"},
      {"MemoryMoreThanHost", {"shell", "-e", "true", "--memory-mb", "4000000"}, "--memory-mb 4000000: more than this host's"},
      {"TimeoutZero", {"shell", "-e", "true", "--timeout", "0"}, "--timeout: Value 0 not in range 1 to 604800"},
      {"TimeoutAbsurd", {"run", "-s", "steady", "--timeout", "99999999"}, "--timeout: Value 99999999 not in range"},
      {"WatchdogAbsurd", {"run", "-s", "steady", "--watchdog-timeout-ms", "99999999"},
       "--watchdog-timeout-ms: Value 99999999 not in range 0 to 600000"},
      {"JobsZero", {"run", "-s", "steady", "-j", "0"}, "--jobs: Value 0 not in range 1 to 1024"},
      // Option combinations.
      {"PresetsWithoutGauntlet", {"run", "-s", "steady", "--presets", "tiny-1llc"}, "--presets and --budget need --gauntlet"},
      {"HostWithScheduler", {"run", "-s", "steady", "--host", "--scheduler", "/bin/true"},
       "--scheduler cannot be combined with --host"},
      {"IncludeFileMissing", {"shell", "-e", "true", "-i", "{f}/no-such-file"}, "--include-files: File does not exist"},
      {"UnknownSubcommand", {"frobnicate"}, "A subcommand is required"},
      // The run store: `stats` and `stats compare` (fixture store: run 1 = steady, run 2 = oversubscribed).
      {"StatsUnknownRun", {"stats", "--store", "{f}/store/runs.db", "20991231-000000-zzzz"},
       "no run '20991231-000000-zzzz' in the run store"},
      {"CompareBadSelectorKey", {"stats", "compare", "--store", "{f}/store/runs.db", "--a", "sched=eevdf", "--b", "run=latest"},
       "unknown selector dimension 'sched' in 'sched=eevdf'"},
      {"CompareEmptySelector", {"stats", "compare", "--store", "{f}/store/runs.db", "--a", "", "--b", "run=latest"},
       "--a: an empty selector"},
      {"CompareUnknownRun",
       {"stats", "compare", "--store", "{f}/store/runs.db", "--a", "run=20991231-000000-zzzz", "--b", "run=latest"},
       "no run '20991231-000000-zzzz' in the run store"},
      {"CompareEmptySide", {"stats", "compare", "--store", "{f}/store/runs.db", "--a", "scheduler=nope", "--b", "run=latest"},
       "side A (scheduler=nope) selects no record that ran"},
      {"CompareNothingToPair", {"stats", "compare", "--store", "{f}/store/runs.db", "--a", "run=latest~1", "--b", "run=latest"},
       "nothing to pair: side A (run=latest~1, 1 record(s)) and side B (run=latest, 1 record(s)) share no identity"},
      {"ComparePolicyUnknownMetric",
       {"stats", "compare", "--store", "{f}/store/runs.db", "--a", "run=latest~1", "--b", "run=latest", "--policy",
        "{f}/policy-unknown.toml"},
       "policy-unknown.toml: unknown metric 'worst_sprad'"},
      {"ComparePolicyNegative",
       {"stats", "compare", "--store", "{f}/store/runs.db", "--a", "run=latest~1", "--b", "run=latest", "--policy",
        "{f}/policy-negative.toml"},
       "policy-negative.toml: worst_spread.rel must be a non-negative number"},
      {"ComparePolicySyntax",
       {"stats", "compare", "--store", "{f}/store/runs.db", "--a", "run=latest~1", "--b", "run=latest", "--policy",
        "{f}/policy-syntax.toml"},
       "policy-syntax.toml: line 1: "},
      {"ComparePolicyMissing",
       {"stats", "compare", "--store", "{f}/store/runs.db", "--a", "run=latest~1", "--b", "run=latest", "--policy",
        "{f}/no-policy.toml"},
       "no-policy.toml: no such file"},
      // The run store (the file is checked unchanged afterwards).
      {"StoreMissing", {"stats", "list", "--store", "{f}/no-such.db"},
       "no run store at {f}/no-such.db — `ktstr run` records every run there"},
      {"StoreRandomBytes", {"stats", "list", "--store", "{f}/store-junk.db"},
       "store-junk.db is not a ktstr run store (not an SQLite database); refusing to touch it"},
      {"StoreTextFile", {"stats", "list", "--store", "{f}/store-text.db"}, "is not a ktstr run store"},
      {"StoreTruncated", {"stats", "list", "--store", "{f}/store-truncated.db"}, "store-truncated.db is truncated"},
      {"StoreFutureVersion", {"stats", "list", "--store", "{f}/store-future.db"},
       "has schema version 99, newer than this ktstr understands (1); refusing to touch it"},
      {"StoreForeign", {"stats", "list", "--store", "{f}/store-foreign.db"},
       "is an SQLite database but not a ktstr run store"},
      {"StoreIsADirectory", {"stats", "list", "--store", "{f}"}, "is a directory, not a database file"},
      {"RunStoreUnderAFile", {"run", "-s", "steady", "--store", "{f}/store-afile/runs.db"},
       "cannot create the run store's directory {f}/store-afile"},
      {"RunStoreCorrupt", {"run", "-s", "steady", "--store", "{f}/store-junk.db"}, "is not a ktstr run store"},
      {"RunStoreFutureVersion", {"run", "-s", "steady", "--store", "{f}/store-future.db"},
       "newer than this ktstr understands"},
      // The cache.
      {"CacheUnderAFile", {"shell", "-e", "true"}, "cannot create cache directory", Cache::under_a_file},
      {"CacheReadOnly", {"shell", "-e", "true"}, "is not writable: Read-only file system", Cache::read_only},
      {"CacheFull", {"shell", "-e", "true"}, "No space left on device", Cache::full},
  };
  return all;
}

fs::path g_base, g_fixtures, g_kernel, g_shim;

std::string substitute(std::string s) {
  for (auto [key, value] : {std::pair<std::string, std::string>{"{f}", g_fixtures.string()}, {"{kernel}", g_kernel.string()}})
    for (size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), value);
  return s;
}

std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); ++it)
    if (!it->is_directory()) out.push_back(it->path().string());
  return out;
}

// Files the run added to the cache other than content-addressed entries (a
// stripped ktstr, a packed initramfs: reused by the next run, not leaked).
std::vector<std::string> leftovers(const fs::path& cache, const std::vector<std::string>& before) {
  std::vector<std::string> out;
  for (const auto& f : files_under(cache)) {
    if (std::find(before.begin(), before.end(), f) != before.end()) continue;
    std::string rel = fs::path(f).lexically_relative(cache).string();
    bool entry = (rel.rfind("stripped/", 0) == 0 || rel.rfind("initramfs/", 0) == 0) && rel.find(".tmp") == std::string::npos;
    if (!entry) out.push_back(rel);
  }
  return out;
}

// A tmpfs for the cache cases that need a filesystem to misbehave.
struct Tmpfs {
  fs::path at;
  Tmpfs(const fs::path& where, const std::string& opts) : at(where) {
    fs::create_directories(at);
    if (::mount("tmpfs", at.c_str(), "tmpfs", 0, opts.c_str()) != 0) at.clear();
  }
  ~Tmpfs() {
    if (!at.empty()) ::umount2(at.c_str(), MNT_DETACH);
  }
  explicit operator bool() const { return !at.empty(); }
};

class BadInput : public testing::TestWithParam<Case> {
 public:
  static void SetUpTestSuite() {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    auto r = run_capture({KTSTR_BINARY, "kernel", "path"}, 60s);
    ASSERT_TRUE(r.status.ok()) << "no guest kernel (run scripts/bootstrap.sh): " << r.err;
    g_kernel = r.out.substr(0, r.out.find('\n'));
    std::string templ = (fs::temp_directory_path() / "ktstr-bad-input-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    g_base = templ;
    g_fixtures = g_base / "fixtures";
    write_fixtures(g_fixtures, g_kernel);
    g_shim = g_base / "qemu-shim";
    std::ofstream(g_shim) << "#!/bin/sh\n: > \"$KTSTR_BAD_INPUT_MARK\"\nexit 1\n";
    fs::permissions(g_shim, fs::perms::owner_all);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    if (!g_base.empty()) fs::remove_all(g_base, ec);
  }
};

TEST_P(BadInput, ExitsTwoWithItsMessageNothingStartedNothingLeft) {
  const Case& c = GetParam();
  const fs::path dir = g_base / c.name;
  fs::create_directories(dir / "tmp");
  fs::path cache = dir / "cache";
  std::optional<Tmpfs> mnt;
  switch (c.cache) {
    case Cache::fresh:
      break;
    case Cache::under_a_file:
      std::ofstream(dir / "file") << "x";
      cache = dir / "file" / "cache";
      break;
    case Cache::read_only:
    case Cache::full:
      if (::geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
      mnt.emplace(cache, c.cache == Cache::full ? "size=256k" : "ro");
      ASSERT_TRUE(*mnt) << "mount tmpfs at " << cache;
      if (c.cache == Cache::full) {
        std::ofstream fill(cache / "fill");
        std::string block(4096, 'x');
        while (fill.write(block.data(), block.size())) {
        }
      }
      break;
  }
  const auto before = files_under(cache);

  std::vector<std::string> argv = {KTSTR_BINARY};
  for (const auto& a : c.args) argv.push_back(substitute(a));
  const bool vm_command = c.args[0] == "run" || c.args[0] == "shell";
  if (vm_command && std::find(c.args.begin(), c.args.end(), "--kernel") == c.args.end() && c.cache == Cache::fresh) {
    argv.push_back("--kernel");
    argv.push_back(g_kernel.string());
  }
  SpawnOptions o;
  o.env_set = {{"KTSTR_QEMU", g_shim.string()},
               {"KTSTR_BAD_INPUT_MARK", (dir / "qemu-started").string()},
               {"KTSTR_CACHE_DIR", cache.string()},
               {"TMPDIR", (dir / "tmp").string()},
               {"KTSTR_SCHEDULER_DIR", ""},
               {"KTSTR_APT_URI", "file:/nonexistent"}};
  // The cache cases must reach the cache: give them the kernel by path.
  if (c.cache != Cache::fresh) {
    argv.push_back("--kernel");
    argv.push_back(g_kernel.string());
  }
  // Fixture files a case names (run stores): byte for byte and mtime unchanged.
  std::vector<std::pair<fs::path, std::pair<std::string, fs::file_time_type>>> named;
  for (const auto& a : argv)
    if (a.rfind(g_fixtures.string() + "/", 0) == 0 && fs::is_regular_file(a)) {
      std::ifstream in(a, std::ios::binary);
      named.push_back({a, {std::string((std::istreambuf_iterator<char>(in)), {}), fs::last_write_time(a)}});
    }
  auto r = run_capture(argv, 90s, o);
  for (const auto& [path, before] : named) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(std::string((std::istreambuf_iterator<char>(in)), {}) == before.first) << path << " was modified";
    EXPECT_TRUE(fs::last_write_time(path) == before.second) << path << "'s mtime changed";
    // A valid WAL store that is read gets SQLite's -wal/-shm (the database
    // itself stays byte-identical); refused stores must get none.
    if (path.parent_path() != g_fixtures / "store") {
      EXPECT_FALSE(fs::exists(path.string() + "-wal")) << path << " got a -wal file";
    }
  }

  std::string cmd;
  for (const auto& a : argv) cmd += " " + a;
  SCOPED_TRACE("ktstr" + cmd.substr(cmd.find(' ', 1)) + "\nstderr: " + r.err + "\nstdout: " + r.out);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.status.signal, 0);
  EXPECT_EQ(r.status.code, 2);
  EXPECT_NE(r.err.find(substitute(c.message)), std::string::npos) << "expected message: " << substitute(c.message);
  EXPECT_EQ(r.err.find("internal error"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "qemu-started")) << "a VM was started";
  EXPECT_EQ(leftovers(cache, before), std::vector<std::string>{}) << "files left in the cache";
  EXPECT_TRUE(files_under(dir / "tmp").empty()) << "files left in TMPDIR";
  auto kids = ktstr::test::children_of(::getpid());
  EXPECT_TRUE(kids.empty()) << kids.size() << " process(es) outlived ktstr, e.g. pid " << (kids.empty() ? 0 : kids[0]);
  for (int pid : kids) ::kill(pid, SIGKILL);
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInput, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case>& i) { return i.param.name; });

}  // namespace
}  // namespace ktstr::clitest
