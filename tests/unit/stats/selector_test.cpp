#include "stats/selector.hpp"

#include <gtest/gtest.h>

#include "unit/stats/records.hpp"
#include "util/error.hpp"

namespace ktstr::stats {
namespace {
using testing::Rec;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(Selector, ParsesTerms) {
  auto s = parse_selector("scheduler=eevdf, topology=1n2l2c1t");
  ASSERT_EQ(s.terms.size(), 2u);
  EXPECT_EQ(s.terms[0], (std::pair<std::string, std::string>{"scheduler", "eevdf"}));
  EXPECT_EQ(s.terms[1].second, "1n2l2c1t");
  EXPECT_TRUE(s.names("topology"));
  EXPECT_FALSE(s.names("run"));
  EXPECT_EQ(parse_selector("run=latest~2").terms[0].second, "latest~2");
}

TEST(Selector, RejectsBadInputNamingIt) {
  EXPECT_EQ(error_of([] { parse_selector("sched=eevdf"); }),
            "selector 'sched=eevdf': unknown key 'sched' (known: run, test, variant, topology, scheduler, flags, "
            "kernel, vmm, commit, work_type)");
  EXPECT_EQ(error_of([] { parse_selector("eevdf"); }), "selector 'eevdf': term 'eevdf' is not KEY=VALUE");
  EXPECT_EQ(error_of([] { parse_selector("run="); }), "selector 'run=': key 'run' has no value");
  EXPECT_EQ(error_of([] { parse_selector("run=latest~x"); }),
            "selector 'run=latest~x': bad run 'latest~x' (expected a run id, latest or latest~N)");
  EXPECT_EQ(error_of([] { parse_selector("test=a,,flags=b"); }),
            "selector 'test=a,,flags=b': empty term (expected KEY=VALUE[,KEY=VALUE...])");
  EXPECT_EQ(error_of([] { parse_selector("test=a,test=b"); }), "selector 'test=a,test=b': key 'test' given twice");
  EXPECT_EQ(error_of([] { parse_selector(""); }), "selector '': empty term (expected KEY=VALUE[,KEY=VALUE...])");
}

std::vector<nlohmann::json> store() {
  std::vector<nlohmann::json> all;
  for (const char* run : {"20261130-100000-aaaa", "20261130-110000-bbbb", "20261130-120000-cccc"})
    for (const char* test : {"steady", "oversubscribed"}) {
      Rec r;
      r.run = run;
      r.test = test;
      r.scheduler = std::string(run).ends_with("cccc") ? "eevdf" : "ktstr_fixture";
      all.push_back(r.json());
    }
  return all;
}

TEST(Selector, SelectsByIdentityAndRun) {
  auto all = store();
  EXPECT_EQ(select(all, parse_selector("test=steady")).size(), 3u);
  auto latest = select(all, parse_selector("run=latest"));
  ASSERT_EQ(latest.size(), 2u);
  EXPECT_EQ(latest[0]["run_id"], "20261130-120000-cccc");
  EXPECT_EQ(select(all, parse_selector("run=latest~1"))[0]["run_id"], "20261130-110000-bbbb");
  EXPECT_EQ(select(all, parse_selector("run=20261130-100000-aaaa,test=oversubscribed")).size(), 1u);
  // latest counts back over the runs that match the other terms.
  auto fixture_latest = select(all, parse_selector("scheduler=ktstr_fixture,run=latest"));
  ASSERT_EQ(fixture_latest.size(), 2u);
  EXPECT_EQ(fixture_latest[0]["run_id"], "20261130-110000-bbbb");
  EXPECT_TRUE(select(all, parse_selector("scheduler=nope")).empty());
}

TEST(Selector, UnknownRunsAreErrors) {
  auto all = store();
  EXPECT_EQ(error_of([&] { select(all, parse_selector("run=20991231-000000-zzzz")); }),
            "selector 'run=20991231-000000-zzzz': unknown run id '20991231-000000-zzzz' (see `ktstr stats list`)");
  EXPECT_EQ(error_of([&] { select(all, parse_selector("run=latest~3")); }),
            "selector 'run=latest~3': latest~3 but only 3 matching run(s) in the store");
  EXPECT_EQ(error_of([&] { select({}, parse_selector("run=latest")); }),
            "selector 'run=latest': latest but only 0 matching run(s) in the store");
}

}  // namespace
}  // namespace ktstr::stats
