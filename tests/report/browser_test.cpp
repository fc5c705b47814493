// The HTML report in a real browser (Debian's headless Chromium, driven
// over the DevTools protocol): a report of a real `ktstr run` opens without
// a single console error, uncaught exception or network request, and its
// timeline has one heat-map row per guest CPU, each painted; pages broken
// on purpose are caught (an exception, a console error), so the check can
// fail; and 50 tests x 64 CPUs still render.
//
// One browser serves every case (started once, ~1-3 s); one VM boot (the
// real run, ~10-40 s under TCG on a loaded host).
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <cstring>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "chromium.hpp"
#include "fixtures.hpp"
#include "report/html.hpp"
#include "vm_harness.hpp"

namespace fs = std::filesystem;
using ktstr::browsertest::Chromium;
using ktstr::browsertest::PageResult;
using nlohmann::json;

namespace {

// Everything the assertions need from the drawn page, as JSON.
const char* const kProbe = R"JS((() => {
  const tests = [...document.querySelectorAll('section.test')].map((sec) => {
    const tl = sec.querySelector('.timeline');
    const heatmaps = tl ? [...tl.querySelectorAll('.heatmap')].map((h) => {
      const c = h.querySelector('canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0, coloured = 0;
      for (let y = 0; y < c.height; y++) {
        let all = true, any = false;
        for (let x = 0; x < c.width; x++) {
          const p = (y * c.width + x) * 4;
          if (d[p + 3] !== 255) all = false;
          if (!(d[p] === 238 && d[p + 1] === 241 && d[p + 2] === 244)) any = true;
        }
        if (all) painted++;
        if (any) coloured++;
      }
      return { series: h.dataset.series, labels: h.querySelectorAll('.cpu-row').length, canvasRows: c.height,
               painted, coloured, height: c.getBoundingClientRect().height, width: c.getBoundingClientRect().width };
    }) : [];
    return { test: sec.dataset.test, cpus: tl ? Number(tl.dataset.cpus) : 0, heatmaps,
             verdictMarkers: sec.querySelectorAll('.heatmap[data-series=nr_running] .mk-verdict, ' +
                                                  '.heatmap[data-series=nr_running] .mk-verdict-all').length,
             phases: [...sec.querySelectorAll('.phase')].map((p) => p.textContent) };
  });
  return { rendered: Number(document.body.dataset.rendered), tests,
           compareRows: document.querySelectorAll('table.compare tbody tr').length,
           regressions: document.querySelectorAll('table.compare .chip.regression').length,
           title: document.title };
})())JS";

fs::path out_dir() {
  fs::path d = REPORT_TEST_OUT;
  fs::create_directories(d);
  return d;
}

void write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += "  " + x + "\n";
  return s;
}

// Requests other than the page itself (a self-contained page makes none).
std::vector<std::string> foreign_requests(const PageResult& r, const fs::path& page) {
  std::vector<std::string> out;
  for (const auto& u : r.requests)
    if (u != "file://" + fs::absolute(page).string()) out.push_back(u);
  return out;
}

class Browser : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      browser_ = std::make_unique<Chromium>(CHROMIUM_BINARY, std::chrono::seconds(300));
    } catch (const std::exception& e) {
      startup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    pid_t pid = browser_ ? browser_->pid() : -1;
    browser_.reset();
    // The browser and every process of its group are gone.
    if (pid > 0) {
      EXPECT_NE(::kill(-pid, 0), 0) << "chromium's process group outlived the test";
    }
  }
  void SetUp() override {
    if (!browser_) GTEST_FAIL() << "headless Chromium did not start: " << startup_error_;
  }
  static std::unique_ptr<Chromium> browser_;
  static std::string startup_error_;
};
std::unique_ptr<Chromium> Browser::browser_;
std::string Browser::startup_error_;

bool fixture_built(std::string* why) {
  auto fixture = fs::path(KTSTR_BINARY).parent_path() / "schedulers" / "scx_ktstr_fixture";
  if (fs::exists(fixture)) return true;
  *why = "the fixture scheduler was not built (" + fixture.string() + ")";
  return false;
}

}  // namespace

// The must-show: a real run on 4 CPUs under the fixture scheduler with its
// all-to-cpu0 fault (so the monitor has verdicts to mark), reported through
// the real `ktstr report`, opened in Chromium.
TEST_F(Browser, ReportOfARealRunRendersOneRowPerCpuWithoutErrors) {
  KTSTR_REQUIRE_VM();
  std::string why;
  if (!fixture_built(&why)) GTEST_FAIL() << why;
  fs::path dir = out_dir();
  auto run = ktstr::vmtest::run_ktstr({"run", "--json", "-s", "steady", "--scheduler", "fixture", "--flags",
                                       "all-to-cpu0", "--topology", "1n2l2c1t"});
  ASSERT_EQ(run.code, 1) << "the fault must fail the test\n" << run.err;
  write(dir / "run.json", run.out);
  fs::path page = dir / "real-run.html", trace = dir / "real-run.trace.json";
  fs::remove(page);
  auto rep = ktstr::vmtest::run_ktstr({"report", (dir / "run.json").string(), "-o", page.string(), "--trace",
                                       trace.string()},
                                      std::chrono::seconds(60));
  ASSERT_EQ(rep.code, 0) << rep.err;
  EXPECT_NE(rep.out.find("report: " + page.string() + " (1 test, "), std::string::npos) << rep.out;

  PageResult r = browser_->load(page, kProbe, dir / "real-run.png");
  EXPECT_TRUE(r.errors.empty()) << joined(r.errors);
  EXPECT_TRUE(foreign_requests(r, page).empty()) << joined(foreign_requests(r, page));
  const json& p = r.probe;
  ASSERT_TRUE(p.is_object()) << p.dump();
  EXPECT_EQ(p["rendered"], 1);
  ASSERT_EQ(p["tests"].size(), 1u) << p.dump();
  const json& t = p["tests"][0];
  EXPECT_EQ(t["test"], "steady");
  EXPECT_EQ(t["cpus"], 4);
  ASSERT_EQ(t["heatmaps"].size(), 2u) << t.dump();
  for (const auto& h : t["heatmaps"]) {
    SCOPED_TRACE(h.dump());
    EXPECT_EQ(h["labels"], 4) << "one labelled row per CPU";
    EXPECT_EQ(h["canvasRows"], 4) << "one pixel row per CPU";
    EXPECT_EQ(h["painted"], 4) << "every row drawn";
    EXPECT_GT(h["height"].get<double>(), 20);
    EXPECT_GT(h["width"].get<double>(), 400);
  }
  // CPU 0 held everything: its nr_running row has colour.
  EXPECT_GE(t["heatmaps"][0]["coloured"].get<int>(), 1);
  // The monitor's verdicts (work conservation, on CPU 0) are marked.
  EXPECT_GE(t["verdictMarkers"].get<int>(), 1) << t.dump();
  // The scenario's phases from the guest: backdrop, step 1.
  EXPECT_EQ(t["phases"], json::array({"backdrop", "step 1"})) << t.dump();

  // The trace export of the same run: 4 counter tracks, the phase slices.
  json tr = json::parse(read(trace));
  std::set<std::string> counters;
  int slices = 0;
  for (const auto& e : tr["traceEvents"]) {
    if (e["ph"] == "C") counters.insert(e["name"]);
    if (e["ph"] == "X") ++slices;
  }
  EXPECT_EQ(counters, (std::set<std::string>{"cpu0", "cpu1", "cpu2", "cpu3"}));
  EXPECT_EQ(slices, 2);
  std::printf("real run report: %s (%ju bytes), loaded in %.0f ms; screenshot %s\n", page.c_str(),
              static_cast<uintmax_t>(fs::file_size(page)), r.load_ms, (dir / "real-run.png").c_str());
}

// The check can fail: a page whose data element is corrupt throws in the
// browser, and that is reported as an uncaught exception.
TEST_F(Browser, BrokenDataScriptIsAnUncaughtException) {
  std::string html = ktstr::report::render_html({ktstr::report::testing::sample_record()});
  const std::string open = "<script type=\"application/json\" id=\"ktstr-data\">";
  auto at = html.find(open);
  ASSERT_NE(at, std::string::npos);
  html.insert(at + open.size(), "{");  // "{{..." is not JSON
  fs::path page = out_dir() / "broken-data.html";
  write(page, html);
  PageResult r = browser_->load(page, kProbe);
  ASSERT_EQ(r.errors.size(), 1u) << joined(r.errors);
  EXPECT_NE(r.errors[0].find("uncaught exception"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("SyntaxError"), std::string::npos) << r.errors[0];
  EXPECT_TRUE(r.probe["rendered"].is_null()) << "nothing was drawn: " << r.probe.dump();
  EXPECT_TRUE(r.probe["tests"].empty()) << r.probe.dump();
}

// A test the script cannot draw is a console error (and the rest of the
// page is still drawn).
TEST_F(Browser, ATestThatCannotBeDrawnIsAConsoleError) {
  std::string html = ktstr::report::render_html(
      {ktstr::report::testing::sample_record("steady"), ktstr::report::testing::sample_record("cgroup_add", 2, 5, "PASS")});
  // The first test's details become a number: not iterable.
  auto at = html.find("\"details\":[");
  ASSERT_NE(at, std::string::npos);
  html.replace(at, std::strlen("\"details\":["), "\"details\":5,\"was\":[");
  fs::path page = out_dir() / "broken-test.html";
  write(page, html);
  PageResult r = browser_->load(page, kProbe);
  ASSERT_EQ(r.errors.size(), 1u) << joined(r.errors);
  EXPECT_NE(r.errors[0].find("console.error: ktstr report: could not draw test steady: TypeError"), std::string::npos)
      << r.errors[0];
  EXPECT_EQ(r.probe["rendered"], 1) << r.probe.dump();
}

// The upper end: 50 tests of 64 CPUs, 600 samples each, with an A/B table.
TEST_F(Browser, FiftyTestsOf64CpusRender) {
  std::vector<json> records;
  for (int i = 0; i < 50; ++i)
    records.push_back(ktstr::report::testing::sample_record("test_" + std::to_string(i), 64, 600,
                                                            i % 7 ? "PASS" : "FAIL"));
  json metrics = json::array();
  for (const char* m : {"worst_spread", "worst_gap_ms", "worst_p99_wake_latency_us"})
    metrics.push_back({{"name", m}, {"a", 3.1}, {"b", 9.0}, {"delta", 5.9}, {"relative", 1.9}, {"abs_gate", 5},
                       {"rel_gate", 0.25}, {"higher_is_better", false},
                       {"verdict", std::string(m) == "worst_spread" ? "regression" : "unchanged"}});
  json compare{{"a", {{"selector", "run=A"}, {"records", 50}}}, {"b", {{"selector", "run=B"}, {"records", 50}}},
               {"pairs", json::array()}, {"unpaired", {{"a", json::array()}, {"b", json::array()}}},
               {"regressions", 50}, {"improvements", 0}};
  for (int i = 0; i < 50; ++i)
    compare["pairs"].push_back({{"key", {{"test", "test_" + std::to_string(i)}, {"topology", "1n8l8c1t"}}},
                                {"a_n", 1}, {"b_n", 1}, {"metrics", metrics}});
  auto t0 = std::chrono::steady_clock::now();
  std::string html = ktstr::report::render_html(records, compare);
  double render_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  fs::path page = out_dir() / "fifty-by-64.html";
  write(page, html);
  PageResult r = browser_->load(page, kProbe, out_dir() / "fifty-by-64.png");
  EXPECT_TRUE(r.errors.empty()) << joined(r.errors);
  EXPECT_TRUE(foreign_requests(r, page).empty()) << joined(foreign_requests(r, page));
  EXPECT_EQ(r.probe["rendered"], 50);
  ASSERT_EQ(r.probe["tests"].size(), 50u);
  for (const auto& t : r.probe["tests"]) {
    EXPECT_EQ(t["cpus"], 64) << t["test"];
    for (const auto& h : t["heatmaps"]) {
      EXPECT_EQ(h["labels"], 64) << t["test"];
      EXPECT_EQ(h["painted"], 64) << t["test"];
    }
  }
  EXPECT_EQ(r.probe["compareRows"], 150);
  EXPECT_EQ(r.probe["regressions"], 50);
  std::printf("50 tests x 64 CPUs x 600 samples: %zu KiB, built in %.0f ms, loaded and drawn in %.0f ms\n",
              html.size() / 1024, render_ms, r.load_ms);
}
