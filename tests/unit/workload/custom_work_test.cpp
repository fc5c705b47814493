// Custom work by name: registered functions resolve like built-in types,
// and names are checked.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "workload/custom_work.hpp"
#include "workload/work_type_params.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::workload;

TEST(CustomWork, RegisteredNameResolvesToTheFunction) {
  register_custom_work("unit_test_work", [](WorkerContext&) -> uint64_t { return 7; });
  WorkType w = make_work_type("unit_test_work", nlohmann::json::object());
  EXPECT_EQ(w.kind, WorkKind::Custom);
  EXPECT_EQ(w.name(), "unit_test_work");
  ASSERT_TRUE(w.custom);
  EXPECT_NO_THROW(w.validate(2));
  auto names = custom_work_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "unit_test_work"), names.end());
  EXPECT_KTSTR_ERROR(make_work_type("unit_test_work", {{"burst_ms", 5}}), "custom work 'unit_test_work' takes no parameters, got {\"burst_ms\":5}");
}

TEST(CustomWork, NamesAreChecked) {
  auto msg = [](std::string name) {
    return ktstr::test::error_of([&] { register_custom_work(name, [](WorkerContext&) -> uint64_t { return 0; }); });
  };
  EXPECT_EQ(msg("twice"), ktstr::test::kNoError);
  EXPECT_EQ(msg("twice"), "custom work 'twice' registered twice");
  EXPECT_EQ(msg("CpuSpin"), "custom work 'CpuSpin': a built-in work type has this name");
  EXPECT_EQ(msg("cpu_spin"), "custom work 'cpu_spin': a built-in work type has this name");
  EXPECT_EQ(msg(""), "custom work: empty name");
  EXPECT_EQ(find_custom_work("never_registered"), nullptr);
}
