// Parallel VMs: the curated catalog under EEVDF with `ktstr run -j 1` and
// `-j N` (default 2) in the same run, alternating rounds so host load
// drifts affect both. Prints each run's wall time, verdict counts and
// throughput (scenarios per minute), the throughput ratio, and any scenario
// that failed only with -j N ("new failures").
//   ktstr_parallel_bench [ROUNDS] [N]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/files.hpp"
#include "util/process.hpp"

using namespace ktstr;
using Clock = std::chrono::steady_clock;

namespace {

struct RunStats {
  double wall = 0;
  int pass = 0, fail = 0, skip = 0;
  std::set<std::string> failed;
  std::map<std::string, std::string> why;  // first failure detail per failed scenario
};

double loadavg() {
  auto t = try_read_file("/proc/loadavg");
  return t ? std::atof(t->c_str()) : -1;
}

RunStats run(int jobs) {
  auto t0 = Clock::now();
  auto r = run_capture({KTSTR_BINARY, "run", "--json", "-j", std::to_string(jobs)}, std::chrono::minutes(30));
  RunStats s;
  s.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.contains("results")) {
    std::fprintf(stderr, "ktstr run -j %d: no JSON (%s)\n%s\n", jobs, r.status.describe().c_str(), r.err.c_str());
    std::exit(2);
  }
  for (const auto& res : j["results"]) {
    std::string v = res.value("verdict", "");
    if (v == "PASS") ++s.pass;
    else if (v == "SKIP") ++s.skip;
    else {
      ++s.fail;
      std::string name = res.value("name", "?");
      s.failed.insert(name);
      if (res.contains("result") && !res["result"].value("details", nlohmann::json::array()).empty()) {
        const auto& d = res["result"]["details"][0];
        s.why[name] = d.value("kind", "") + ": " + d.value("cgroup", "") + " " + d.value("message", "");
      }
    }
  }
  return s;
}

void print(const char* label, const RunStats& s, double load_before) {
  int n = s.pass + s.fail + s.skip;
  std::printf("%-6s %6.1f s  %2d scenarios (%d pass, %d fail, %d skip)  %5.2f scenarios/min  load %.2f\n", label,
              s.wall, n, s.pass, s.fail, s.skip, 60.0 * n / s.wall, load_before);
  for (const auto& f : s.failed) {
    auto it = s.why.find(f);
    std::printf("         failed: %s%s%s\n", f.c_str(), it == s.why.end() ? "" : " -- ",
                it == s.why.end() ? "" : it->second.c_str());
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 1;
  int n = argc > 2 ? std::atoi(argv[2]) : 2;
  if (rounds < 1 || n < 2) {
    std::fprintf(stderr, "usage: ktstr_parallel_bench [ROUNDS>=1] [N>=2]\n");
    return 2;
  }
  std::printf("host: %ld CPUs online; curated catalog under EEVDF; -j 1 vs -j %d, %d round(s)\n",
              ::sysconf(_SC_NPROCESSORS_ONLN), n, rounds);
  // Warm the initramfs and stripped-binary caches so neither side pays for them.
  run_capture({KTSTR_BINARY, "run", "-s", "steady", "--json"}, std::chrono::minutes(5));

  double wall1 = 0, walln = 0;
  int tests1 = 0, testsn = 0;
  std::set<std::string> failed1, new_failures;
  for (int r = 0; r < rounds; ++r) {
    // Alternate which goes first so a load change on the host hits both.
    for (int k = 0; k < 2; ++k) {
      bool serial = (k == 0) == (r % 2 == 0);
      double load = loadavg();
      RunStats s = run(serial ? 1 : n);
      print(serial ? "-j 1" : ("-j " + std::to_string(n)).c_str(), s, load);
      (serial ? wall1 : walln) += s.wall;
      (serial ? tests1 : testsn) += s.pass + s.fail + s.skip;
      if (serial) failed1.insert(s.failed.begin(), s.failed.end());
      else
        for (const auto& f : s.failed) new_failures.insert(f);
    }
  }
  for (const auto& f : failed1) new_failures.erase(f);
  double tp1 = tests1 / wall1, tpn = testsn / walln;
  std::printf("throughput: -j 1 %.2f/min, -j %d %.2f/min, ratio %.2fx; new failures with -j %d: %zu\n", 60 * tp1, n,
              60 * tpn, tpn / tp1, n, new_failures.size());
  for (const auto& f : new_failures) std::printf("  new failure: %s\n", f.c_str());
  return new_failures.empty() ? 0 : 1;
}
