#include <gtest/gtest.h>

#include <regex>

#include "fixtures.hpp"
#include "report/html.hpp"
#include "report/model.hpp"

using namespace ktstr::report;
using nlohmann::json;

namespace {

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

// The JSON between <script type="application/json" id="ktstr-data"> and its </script>.
std::string embedded_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"ktstr-data\">";
  size_t a = html.find(open);
  if (a == std::string::npos) return "";
  a += open.size();
  return html.substr(a, html.find("</script>", a) - a);
}

}  // namespace

TEST(ScriptJson, CannotCloseOrConfuseTheScriptElementAndRoundTrips) {
  json j{{"s", "</script><script>alert(1)</script> <!-- & \xe2\x80\xa8 line sep"}, {"n", 1.5}};
  std::string s = json_for_script(j);
  EXPECT_EQ(s.find('<'), std::string::npos) << s;
  EXPECT_EQ(s.find('>'), std::string::npos) << s;
  EXPECT_EQ(s.find('&'), std::string::npos) << s;
  EXPECT_NE(s.find("\\u2028"), std::string::npos) << "U+2028 escaped: " << s;
  EXPECT_EQ(json::parse(s), j);
  // Invalid UTF-8 from a guest does not make rendering throw.
  EXPECT_NO_THROW(json_for_script(json{{"s", std::string("\xff\xfe ok")}}));
}

TEST(Html, IsOneSelfContainedFileWithTheDataEmbedded) {
  auto rec = ktstr::report::testing::sample_record();
  std::string html = render_html({rec});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // Exactly the data element and the code element; the verdict message's
  // "</script>" stayed inside the JSON, escaped.
  EXPECT_EQ(count(html, "</script>"), 2u);
  EXPECT_EQ(count(html, "<script"), 2u);
  EXPECT_EQ(count(html, "<style>"), 1u);
  // Nothing is fetched: no external scripts, styles, fonts or images.
  for (const char* bad : {"src=", "<link", "@import", "url(", "http://", "https://"})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
  EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
  // The inlined assets are the repo's files (a function of report.js, a rule of report.css).
  EXPECT_NE(html.find("function heatmap("), std::string::npos);
  EXPECT_NE(html.find(".hm-canvas"), std::string::npos);
  json data = json::parse(embedded_data(html));
  ASSERT_EQ(data["tests"].size(), 1u);
  EXPECT_EQ(data["tests"][0]["monitor"]["verdicts"][1]["message"], "run-queue imbalance 5.0 </script><b>x</b>");
  EXPECT_TRUE(data["compare"].is_null());
  EXPECT_NE(html.find("<title>ktstr report — run 20261130-140512-3f9a — 1 test</title>"), std::string::npos);
}

TEST(Html, TitleAndAttributesAreEscaped) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  auto rec = ktstr::report::testing::sample_record();
  rec["run_id"] = "<b>x</b>";
  std::string html = render_html({rec});
  EXPECT_NE(html.find("<title>ktstr report — run &lt;b&gt;x&lt;/b&gt; — 1 test</title>"), std::string::npos);
}

TEST(Model, CarriesTheTimelineColumnsVerdictsAndKeyMetrics) {
  auto rec = ktstr::report::testing::sample_record("steady", 3, 12);
  json compare{{"a", {{"selector", "run=1"}}}, {"b", {{"selector", "run=2"}}}, {"pairs", json::array()}};
  json m = report_model({rec, ktstr::report::testing::sample_record("cgroup_add", 2, 5, "PASS")}, compare);
  ASSERT_EQ(m["tests"].size(), 2u);
  const json& t = m["tests"][0];
  EXPECT_EQ(t["label"], "steady");
  EXPECT_EQ(t["timeline"]["t"].size(), 12u);
  EXPECT_EQ(t["timeline"]["nr_running"].size(), 3u);
  EXPECT_EQ(t["timeline"]["nr_running"][2][1], 3) << "(i + c) % 4 at i=1, c=2";
  EXPECT_EQ(t["timeline"]["local_dsq"][1][3], 1);
  EXPECT_EQ(t["timeline"]["events"].size(), 4u);
  EXPECT_EQ(t["monitor"]["verdicts"][0]["check"], "stall");
  EXPECT_EQ(t["monitor"]["verdicts"][0]["cpu"], 1);
  EXPECT_EQ(t["key_stats"][0]["name"], "worst_spread") << "known metrics first, in order";
  EXPECT_EQ(t["key_stats"][1]["name"], "worst_gap_ms");
  EXPECT_EQ(t["cgroups"][0]["cgroup"], "cg_0");
  EXPECT_EQ(t["details"][0]["kind"], "monitor");
  EXPECT_EQ(t["watchdog"][0]["kind"], "shortened");
  EXPECT_EQ(m["tests"][1]["verdict"], "PASS");
  ASSERT_EQ(m["runs"].size(), 1u);
  EXPECT_EQ(m["runs"][0]["passed"], 1);
  EXPECT_EQ(m["runs"][0]["failed"], 1);
  EXPECT_EQ(m["compare"]["a"]["selector"], "run=1");
  EXPECT_TRUE(std::regex_match(m["generated"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
}

TEST(Model, ARecordWithoutMonitorHasNoTimeline) {
  auto rec = ktstr::report::testing::sample_record();
  rec["result"].erase("monitor");
  rec["identity"]["variant"] = "1n2l2c1t/default";
  json m = report_model({rec}, nullptr);
  EXPECT_FALSE(m["tests"][0].contains("timeline"));
  EXPECT_TRUE(m["tests"][0]["monitor"].is_null());
  EXPECT_EQ(m["tests"][0]["label"], "steady [1n2l2c1t/default]");
}

// Wake latency is measured only for work that sleeps and is woken: a run
// without a single wake sample shows a dash, not "0 µs"; one with samples
// keeps its figures.
TEST(Model, WakeLatencyWithoutWakeSamplesIsNotMeasuredRatherThanZero) {
  auto rec = ktstr::report::testing::sample_record();
  json& stats = rec["result"]["result"]["stats"];  // the record's test result's check stats
  stats["worst_p99_wake_latency_us"] = 0;
  stats["cgroups"][0]["p99_wake_latency_us"] = 0;
  stats["cgroups"][0]["wake_samples"] = 0;
  auto wake_of = [](const json& t) {
    for (const auto& s : t["key_stats"])
      if (s["name"] == "worst_p99_wake_latency_us") return s["value"];
    return json("absent");
  };
  json t = report_model({rec}, nullptr)["tests"][0];
  EXPECT_TRUE(wake_of(t).is_null()) << wake_of(t);
  EXPECT_TRUE(t["cgroups"][0]["p99_wake_latency_us"].is_null());

  stats["worst_p99_wake_latency_us"] = 812.5;
  stats["cgroups"][0]["p99_wake_latency_us"] = 812.5;
  stats["cgroups"][0]["wake_samples"] = 40;
  t = report_model({rec}, nullptr)["tests"][0];
  EXPECT_EQ(wake_of(t), 812.5);
  EXPECT_EQ(t["cgroups"][0]["p99_wake_latency_us"], 812.5);
}
