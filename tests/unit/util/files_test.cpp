#include <gtest/gtest.h>

#include "util/files.hpp"
#include "util/process.hpp"

using namespace ktstr;

TEST(Files, SplitAndTrim) {
  EXPECT_EQ(split("a,b,,c", ','), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(trim("  x y \n"), "x y");
  EXPECT_EQ(trim("   "), "");
}

TEST(Process, CapturesOutputAndExitCode) {
  auto r = run_capture({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_EQ(r.status.code, 3);
  EXPECT_FALSE(r.timed_out);
}

TEST(Process, TimeoutKillsChild) {
  auto r = run_capture({"sleep", "30"}, std::chrono::milliseconds(200));
  EXPECT_TRUE(r.timed_out);
  EXPECT_NE(r.status.signal, 0);
}

TEST(Process, FindInPath) {
  EXPECT_TRUE(find_in_path("sh").has_value());
  EXPECT_FALSE(find_in_path("definitely-not-a-command-ktstr").has_value());
}
