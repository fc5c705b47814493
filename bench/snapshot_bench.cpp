// Snapshot starts vs cold boots, same run, alternating so host load drifts
// hit both:
//  1. per-VM start: `ktstr -v shell --exec true`, cold (--no-snapshot) and
//     from a snapshot; "start" = QEMU start -> guest init holds its
//     request (what ktstr -v reports as "guest ready"), plus whole-command
//     wall time. The snapshot is made before the timed rounds.
//  2. the curated set under EEVDF (`ktstr run --json [-j N]`), cold and
//     from snapshots: wall time, verdicts, and any scenario whose verdict
//     differs between the two.
//   ktstr_snapshot_bench [ROUNDS=5] [SET_ROUNDS=1] [JOBS=1]   (SET_ROUNDS 0 skips part 2)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/files.hpp"
#include "util/process.hpp"

using namespace ktstr;
using Clock = std::chrono::steady_clock;

namespace {

double loadavg() {
  auto t = try_read_file("/proc/loadavg");
  return t ? std::atof(t->c_str()) : -1;
}

struct Start {
  double ready = 0, wall = 0;
};

Start start_once(bool snapshot) {
  std::vector<std::string> argv = {KTSTR_BINARY, "-v", "shell", "--exec", "true"};
  if (!snapshot) argv.insert(argv.begin() + 1, "--no-snapshot");
  auto t0 = Clock::now();
  auto r = run_capture(argv, std::chrono::minutes(5));
  Start s;
  s.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  std::string want = snapshot ? "snapshot restore, guest ready " : "cold boot, guest ready ";
  auto pos = r.err.find(want);
  if (!r.status.ok() || pos == std::string::npos) {
    std::fprintf(stderr, "%s start failed or did not report readiness (%s):\n%s\n", snapshot ? "snapshot" : "cold",
                 r.status.describe().c_str(), r.err.c_str());
    std::exit(2);
  }
  s.ready = std::atof(r.err.c_str() + pos + want.size());
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct SetRun {
  double wall = 0;
  std::map<std::string, std::string> verdicts;
};

SetRun run_set(bool snapshot, int jobs) {
  std::vector<std::string> argv = {KTSTR_BINARY, "run", "--json", "-j", std::to_string(jobs)};
  if (!snapshot) argv.insert(argv.begin() + 1, "--no-snapshot");
  auto t0 = Clock::now();
  auto r = run_capture(argv, std::chrono::minutes(40));
  SetRun s;
  s.wall = std::chrono::duration<double>(Clock::now() - t0).count();
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  if (j.is_discarded() || !j.contains("results")) {
    std::fprintf(stderr, "ktstr run: no JSON (%s)\n%s\n", r.status.describe().c_str(), r.err.c_str());
    std::exit(2);
  }
  for (const auto& res : j["results"]) s.verdicts[res.value("name", "?")] = res.value("verdict", "?");
  return s;
}

void print_set(const char* label, const SetRun& s, double load) {
  int pass = 0, other = 0;
  for (const auto& [n, v] : s.verdicts) (v == "PASS" ? pass : other)++;
  std::printf("  %-9s %7.1f s  %zu scenarios, %d pass, %d not  load %.2f\n", label, s.wall, s.verdicts.size(), pass,
              other, load);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 5;
  int set_rounds = argc > 2 ? std::atoi(argv[2]) : 1;
  int jobs = argc > 3 ? std::atoi(argv[3]) : 1;
  if (rounds < 1 || set_rounds < 0 || jobs < 1) {
    std::fprintf(stderr, "usage: ktstr_snapshot_bench [ROUNDS>=1] [SET_ROUNDS>=0] [JOBS>=1]\n");
    return 2;
  }
  std::printf("per-VM start (QEMU start -> guest holds its request), %d rounds:\n", rounds);
  start_once(true);  // makes the snapshot if the cache has none; not timed
  std::vector<double> cr, cw, sr, sw;
  for (int i = 0; i < rounds; ++i) {
    double load = loadavg();
    Start c = start_once(false), s = start_once(true);
    cr.push_back(c.ready), cw.push_back(c.wall), sr.push_back(s.ready), sw.push_back(s.wall);
    std::printf("  round %d: cold %.2f s (command %.2f s), snapshot %.2f s (command %.2f s)  load %.2f\n", i + 1,
                c.ready, c.wall, s.ready, s.wall, load);
    std::fflush(stdout);
  }
  std::printf("  median start: cold %.2f s, snapshot %.2f s -> %.1fx faster; whole command %.2f s vs %.2f s -> %.1fx\n",
              median(cr), median(sr), median(cr) / median(sr), median(cw), median(sw), median(cw) / median(sw));

  if (set_rounds == 0) return 0;
  std::printf("curated set under EEVDF, ktstr run -j %d, %d round(s):\n", jobs, set_rounds);
  std::vector<double> cs, ss;
  int differ = 0;
  for (int i = 0; i < set_rounds; ++i) {
    double l1 = loadavg();
    SetRun s = run_set(true, jobs);
    print_set("snapshot", s, l1);
    double l2 = loadavg();
    SetRun c = run_set(false, jobs);
    print_set("cold", c, l2);
    for (const auto& [name, v] : c.verdicts) {
      auto it = s.verdicts.find(name);
      std::string sv = it == s.verdicts.end() ? "missing" : it->second;
      if (sv != v) {
        ++differ;
        std::printf("    verdict differs: %s cold %s, snapshot %s\n", name.c_str(), v.c_str(), sv.c_str());
      }
    }
    cs.push_back(c.wall), ss.push_back(s.wall);
  }
  std::printf("  median set time: cold %.1f s, snapshot %.1f s -> %.2fx faster; %d verdict differences\n",
              median(cs), median(ss), median(cs) / median(ss), differ);
  return 0;
}
