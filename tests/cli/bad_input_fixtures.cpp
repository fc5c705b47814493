#include "bad_input_fixtures.hpp"

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace ktstr::clitest {
namespace fs = std::filesystem;
namespace {

std::string slurp(const fs::path& p, size_t limit = std::string::npos) {
  std::ifstream in(p, std::ios::binary);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  if (s.empty()) throw std::runtime_error("cannot read " + p.string());
  return limit < s.size() ? s.substr(0, limit) : s;
}

void put(const fs::path& p, const std::string& bytes, bool executable = false) {
  std::ofstream(p, std::ios::binary) << bytes;
  ::chmod(p.c_str(), executable ? 0755 : 0644);
}

// A scenario with one cgroup of spinners; `cg` and `tail` splice in the fault.
std::string scenario(const std::string& cg, const std::string& tail = "") {
  return R"({"name": "bad", "steps": [{"hold": {"fraction": 1.0}}], "backdrop": {"cgroups": [{"name": "a")" + cg +
         R"(, "works": [{"type": "CpuSpin"}]}]})" + tail + "}";
}

}  // namespace

void write_fixtures(const fs::path& dir, const fs::path& kernel) {
  fs::create_directories(dir);
  const std::string elf = slurp("/bin/true");
  // Kernels.
  put(dir / "kernel-empty", "");
  put(dir / "kernel-junk", std::string(4096, '\x5a'));
  put(dir / "kernel-truncated", slurp(kernel, 1 << 20));
  std::string arm = elf;
  arm[18] = '\xb7', arm[19] = 0;  // e_machine = EM_AARCH64
  put(dir / "kernel-aarch64", arm);
  put(dir / "kernel-not-a-kernel", elf);  // an x86-64 ELF without the PVH note
  std::string bz(8192, '\0');           // a bzImage header claiming protocol 0.00
  bz[0x1fe] = '\x55', bz[0x1ff] = '\xaa';
  bz.replace(0x202, 4, "HdrS");
  put(dir / "kernel-bzimage-corrupt", bz);
  // The real vmlinux with a config that lacks sched_ext.
  fs::create_directories(dir / "kernel-no-sched-ext");
  fs::create_symlink(kernel, dir / "kernel-no-sched-ext" / "vmlinux");
  std::string cfg = slurp(kernel.parent_path() / "config"), out;
  for (size_t at = 0; at < cfg.size();) {
    size_t nl = cfg.find('\n', at);
    std::string line = cfg.substr(at, nl == std::string::npos ? std::string::npos : nl - at + 1);
    if (line.rfind("CONFIG_SCHED_CLASS_EXT=", 0) != 0) out += line;
    at = nl == std::string::npos ? cfg.size() : nl + 1;
  }
  put(dir / "kernel-no-sched-ext" / "config", out);

  // Scheduler binaries.
  put(dir / "sched-not-executable", elf, false);
  put(dir / "sched-not-elf", "#!/bin/sh\nexit 0\n", true);
  std::string missing = elf;
  auto at = missing.find(std::string("libc.so.6\0", 10));
  if (at == std::string::npos) throw std::runtime_error("/bin/true does not need libc.so.6");
  missing.replace(at, 9, "libq.so.6");  // same length: the ELF stays valid
  put(dir / "sched-missing-lib", missing, true);

  // Scheduler definitions.
  put(dir / "def-cyclic.toml",
      "name = \"cyc\"\nbinary = \"/bin/true\"\n[[flags]]\nname = \"a\"\nrequires = [\"b\"]\n"
      "[[flags]]\nname = \"b\"\nrequires = [\"c\"]\n[[flags]]\nname = \"c\"\nrequires = [\"a\"]\n");
  put(dir / "def-unknown-requires.toml",
      "name = \"x\"\nbinary = \"/bin/true\"\n[[flags]]\nname = \"a\"\nrequires = [\"zz\"]\n");
  put(dir / "def-syntax.toml", "name = \"x\n");
  put(dir / "def-unknown-key.toml", "name = \"x\"\nbinary = \"/bin/true\"\ncolour = \"red\"\n");
  put(dir / "def-plain.toml", "name = \"plain\"\nbinary = \"/bin/true\"\n");

  // Scenario files.
  put(dir / "sc-syntax.json", "{");
  put(dir / "sc-empty.json", "");
  put(dir / "sc-array.json", "[]");
  put(dir / "sc-type.json", R"({"name": "x", "duration_ms": "abc"})");
  put(dir / "sc-unknown-key.json", scenario("", R"(, "bogus": 1)"));
  put(dir / "sc-no-steps.json", R"({"name": "x"})");
  put(dir / "sc-unknown-op.json", R"({"name": "x", "steps": [{"ops": [{"op": "frobnicate"}]}]})");
  put(dir / "sc-missing-cgroup.json",
      R"({"name": "x", "steps": [{"ops": [{"op": "remove_cgroup", "cgroup": "nope"}], "hold": {"fraction": 1.0}}]})");
  put(dir / "sc-zero-workers.json",
      R"({"name": "x", "steps": [{"hold": {"fraction": 1.0}}], "backdrop": {"cgroups": [{"name": "a", "works": [{"type": "CpuSpin", "workers": 0}]}]}})");
  put(dir / "sc-negative-workers.json",
      R"({"name": "x", "steps": [{"hold": {"fraction": 1.0}}], "backdrop": {"cgroups": [{"name": "a", "works": [{"type": "CpuSpin", "workers": -1}]}]}})");
  put(dir / "sc-huge-workers.json",
      R"({"name": "x", "steps": [{"hold": {"fraction": 1.0}}], "backdrop": {"cgroups": [{"name": "a", "works": [{"type": "CpuSpin", "workers": 4000000000}]}]}})");
  put(dir / "sc-huge-duration.json", scenario("", R"(, "duration_ms": 99999999999)"));
  put(dir / "sc-hold-fraction.json",
      R"({"name": "x", "steps": [{"hold": {"fraction": 5.0}}], "backdrop": {"cgroups": [{"name": "a", "works": [{"type": "CpuSpin"}]}]}})");
  put(dir / "sc-unknown-work.json",
      R"({"name": "x", "steps": [{"hold": {"fraction": 1.0}}], "backdrop": {"cgroups": [{"name": "a", "works": [{"type": "Frob"}]}]}})");
  // Cpuset specs.
  put(dir / "cs-unknown.json", scenario(R"j(, "cpuset": "bogus(1)")j"));
  put(dir / "cs-missing-cpus.json", scenario(R"j(, "cpuset": "exact(0-99)")j"));
  put(dir / "cs-backwards.json", scenario(R"j(, "cpuset": "exact(3-1)")j"));
  put(dir / "cs-part-index.json", scenario(R"j(, "cpuset": "disjoint(2,2)")j"));
  put(dir / "cs-llc-range.json", scenario(R"j(, "cpuset": "llc(9)")j"));
  put(dir / "cs-numa-range.json", scenario(R"j(, "cpuset": "numa(3)")j"));
  write_stats_fixtures(dir);
}

}  // namespace ktstr::clitest
