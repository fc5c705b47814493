// A real run store for the `stats` bad-input cases: two runs of the fixture
// scheduler written through the store's own API, one test each (steady,
// then oversubscribed), so `run=latest~1` vs `run=latest` has nothing to
// pair; plus policy files with one mistake each.
#include <fstream>

#include "bad_input_fixtures.hpp"
#include "store/run_store.hpp"

namespace ktstr::clitest {
namespace fs = std::filesystem;

void write_stats_fixtures(const fs::path& dir) {
  fs::create_directories(dir / "store");
  {
    auto db = store::RunStore::open_for_writing(dir / "store" / "runs.db");
    for (const char* test : {"steady", "oversubscribed"}) {
      std::string run = db.begin_run("ktstr run -s " + std::string(test), {{"hostname", "fixture"}});
      store::Record r;
      r.started = store::utc_iso8601();
      r.identity = {.test = test, .topology = "1n2l2c1t", .scheduler = "ktstr_fixture", .kernel = "6.12.0",
                    .vmm = "qemu", .commit = "abc1234"};
      r.verdict = "PASS";
      r.seconds = 6;
      r.result = {{"name", test},
                  {"verdict", "PASS"},
                  {"result", {{"passed", true}, {"stats", {{"cgroups", {{{"cgroup", "cg_0"}}}}, {"worst_spread", 3}}}}}};
      db.append(run, r);
      db.end_run(run);
    }
  }
  std::ofstream(dir / "policy-unknown.toml") << "[worst_sprad]\nabs = 1\n";
  std::ofstream(dir / "policy-negative.toml") << "[worst_spread]\nrel = -0.5\n";
  std::ofstream(dir / "policy-syntax.toml") << "[worst_spread\nabs = 1\n";
  std::ofstream(dir / "store-corrupt.db") << std::string(8192, '\x5a');
}

}  // namespace ktstr::clitest
