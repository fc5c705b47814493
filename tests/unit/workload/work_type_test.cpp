#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "util/error.hpp"
#include "workload/work_type.hpp"
#include "workload/work_type_params.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::workload;

TEST(WorkType, ParsesNamesInAnySpelling) {
  for (auto s : {"CpuSpin", "cpuspin", "cpu_spin", "CPU-SPIN", "Cpu_Spin"})
    EXPECT_EQ(WorkType::parse(s).kind, WorkKind::CpuSpin) << s;
  EXPECT_EQ(WorkType::parse("futex_ping_pong").kind, WorkKind::FutexPingPong);
  EXPECT_EQ(WorkType::parse("PageFaultChurn").kind, WorkKind::PageFaultChurn);
}

TEST(WorkType, EveryListedNameRoundTrips) {
  for (auto name : work_kind_names()) {
    WorkType w = WorkType::parse(name);
    EXPECT_EQ(w.name(), name);
  }
}

TEST(WorkType, UnknownNameListsValidOnes) {
  try {
    WorkType::parse("SpinCpu");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("unknown work type 'SpinCpu'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("CpuSpin"), std::string::npos) << msg;
    EXPECT_NE(msg.find("MutexContention"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("Custom"), std::string::npos) << "Custom is not parseable: " << msg;
  }
}

TEST(WorkType, ParsesPositionalParameters) {
  WorkType b = WorkType::parse("Bursty(20, 40)");
  EXPECT_EQ(b.burst_ms, 20u);
  EXPECT_EQ(b.sleep_ms, 40u);
  WorkType f = WorkType::parse("futex_fan_out(8)");
  EXPECT_EQ(f.fan_out, 8u);
  EXPECT_EQ(f.group_size(), 9u);
  WorkType c = WorkType::parse("FanOutCompute(2,64,3,500)");
  EXPECT_EQ(c.kind, WorkKind::FanOutCompute);
  EXPECT_EQ(c.fan_out, 2u);
  EXPECT_EQ(c.matrix_kib, 64u);
  EXPECT_EQ(c.compute_ops, 3u);
  EXPECT_EQ(c.think_us, 500u);
  EXPECT_EQ(c.group_size(), 3u);
  WorkType d = WorkType::parse("FanOutCompute");  // PRODUCT.md: 4, 256 KiB, 5 ops, 100 us
  EXPECT_EQ(d.fan_out, 4u);
  EXPECT_EQ(d.matrix_kib, 256u);
  EXPECT_EQ(d.compute_ops, 5u);
  EXPECT_EQ(d.think_us, 100u);
  WorkType m = WorkType::parse("MutexContention(3,100,200)");
  EXPECT_EQ(m.contenders, 3u);
  EXPECT_EQ(m.hold_units, 100u);
  EXPECT_EQ(m.outside_units, 200u);
  EXPECT_KTSTR_ERROR(WorkType::parse("Bursty(1,2,3)"), "work type 'Bursty(1,2,3)': Bursty takes at most 2 parameter(s), got 3");
  EXPECT_KTSTR_ERROR(WorkType::parse("Bursty(x)"), "work type 'Bursty(x)': parameter 'x' is not a non-negative integer");
  EXPECT_KTSTR_ERROR(WorkType::parse("Bursty(1"), "work type 'Bursty(1': missing ')'");
  EXPECT_KTSTR_ERROR(WorkType::parse("Mixed(-1)"), "work type 'Mixed(-1)': parameter '-1' is not a non-negative integer");
}

TEST(WorkType, DefaultsMatchTheSpec) {
  WorkType w;
  EXPECT_EQ(w.kind, WorkKind::CpuSpin);
  EXPECT_EQ(w.spin_units, 1024u);
  EXPECT_EQ(w.burst_ms, 50u);
  EXPECT_EQ(w.sleep_ms, 100u);
  EXPECT_EQ(w.cache_kib, 32u);
  EXPECT_EQ(w.stride, 64u);
  EXPECT_EQ(w.io_file_kib / w.io_write_kib, 16u);
  EXPECT_EQ(w.fan_out, 4u);
  EXPECT_EQ(w.contenders, 4u);
  EXPECT_EQ(w.hold_units, 256u);
  EXPECT_EQ(w.region_kib, 4096u);
  EXPECT_EQ(w.touches, 256u);
}

TEST(WorkType, GroupSizes) {
  EXPECT_EQ(WorkType::of(WorkKind::CpuSpin).group_size(), 1u);
  EXPECT_EQ(WorkType::of(WorkKind::PipeIo).group_size(), 2u);
  EXPECT_EQ(WorkType::of(WorkKind::FutexPingPong).group_size(), 2u);
  EXPECT_EQ(WorkType::of(WorkKind::CachePipe).group_size(), 2u);
  EXPECT_EQ(WorkType::of(WorkKind::FutexFanOut).group_size(), 5u);
  EXPECT_EQ(WorkType::of(WorkKind::MutexContention).group_size(), 4u);
}

TEST(WorkType, ValidatesWorkerCounts) {
  EXPECT_NO_THROW(WorkType::of(WorkKind::CpuSpin).validate(3));
  EXPECT_KTSTR_ERROR(WorkType::of(WorkKind::CpuSpin).validate(0), "CpuSpin: zero workers");
  EXPECT_NO_THROW(WorkType::of(WorkKind::PipeIo).validate(4));
  EXPECT_KTSTR_ERROR(WorkType::of(WorkKind::PipeIo).validate(3), "PipeIo: 3 workers is not a multiple of its group size 2");
  EXPECT_NO_THROW(WorkType::of(WorkKind::FutexFanOut).validate(10));
  EXPECT_KTSTR_ERROR(WorkType::of(WorkKind::FutexFanOut).validate(4), "FutexFanOut: 4 workers is not a multiple of its group size 5");
  EXPECT_KTSTR_ERROR(WorkType::of(WorkKind::MutexContention).validate(6), "not a multiple of its group size 4");
}

TEST(WorkType, ValidatesParameters) {
  EXPECT_KTSTR_ERROR(WorkType::futex_fan_out(0).validate(1), "FutexFanOut: fan_out must be >= 1");
  EXPECT_KTSTR_ERROR(WorkType::fan_out_compute(4, 0, 5, 100).validate(5), "FanOutCompute: matrix_kib and compute_ops must be > 0");
  EXPECT_KTSTR_ERROR(WorkType::fan_out_compute(4, 256, 0, 100).validate(5), "FanOutCompute: matrix_kib and compute_ops must be > 0");
  EXPECT_KTSTR_ERROR(WorkType::cache_pressure(32, 0).validate(1), "CachePressure: cache size and stride must be > 0");
  EXPECT_KTSTR_ERROR(WorkType::of(WorkKind::Custom).validate(1), "work type Custom: no function given");
  EXPECT_NO_THROW(WorkType::make_custom("mine", [](WorkerContext&) { return uint64_t{1}; }).validate(1));
  EXPECT_EQ(WorkType::make_custom("mine", {}).name(), "mine");
}

// Asserts which validation failed, not just that one did.
void expect_invalid(const WorkType& w, size_t workers, const std::string& text) {
  EXPECT_KTSTR_ERROR(w.validate(workers), text) << w.name();
}

TEST(WorkType, RequestResponseAndMessaging) {
  WorkType r = WorkType::parse("RequestResponse");  // schbench-like defaults: 4 workers, 256 KiB, 5 ops, 100 us
  EXPECT_EQ(r.kind, WorkKind::RequestResponse);
  EXPECT_EQ(r.fan_out, 4u);
  EXPECT_EQ(r.matrix_kib, 256u);
  EXPECT_EQ(r.compute_ops, 5u);
  EXPECT_EQ(r.think_us, 100u);
  EXPECT_EQ(r.group_size(), 5u);
  WorkType r2 = WorkType::parse("request_response(2,64,3,500)");
  EXPECT_EQ(r2.fan_out, 2u);
  EXPECT_EQ(r2.matrix_kib, 64u);
  EXPECT_EQ(r2.compute_ops, 3u);
  EXPECT_EQ(r2.think_us, 500u);
  EXPECT_EQ(r2.group_size(), 3u);
  EXPECT_TRUE(r2.blocks_voluntarily());
  WorkType m = WorkType::parse("Messaging");  // hackbench's 100-byte messages
  EXPECT_EQ(m.kind, WorkKind::Messaging);
  EXPECT_EQ(m.msg_fds, 2u);
  EXPECT_EQ(m.msg_bytes, 100u);
  EXPECT_EQ(m.group_size(), 4u);
  WorkType m2 = make_work_type("messaging", nlohmann::json{{"msg_fds", 3}, {"msg_bytes", 4}});
  EXPECT_EQ(m2.msg_fds, 3u);
  EXPECT_EQ(m2.msg_bytes, 4u);
  EXPECT_EQ(m2.group_size(), 6u);
  EXPECT_NO_THROW(m2.validate(12));
  EXPECT_NO_THROW(WorkType::messaging(1, kMaxMessageBytes).validate(2));
  EXPECT_NO_THROW(r2.validate(6));
}

TEST(WorkType, RequestResponseAndMessagingRejectBadParameters) {
  expect_invalid(WorkType::request_response(0, 256, 5, 100), 1, "RequestResponse: fan_out must be >= 1");
  expect_invalid(WorkType::request_response(4, 0, 5, 100), 5, "RequestResponse: matrix_kib and compute_ops");
  expect_invalid(WorkType::request_response(4, 256, 0, 100), 5, "RequestResponse: matrix_kib and compute_ops");
  expect_invalid(WorkType::messaging(0, 100), 2, "Messaging: msg_fds must be >= 1");
  expect_invalid(WorkType::messaging(2, 0), 4, "Messaging: msg_bytes must be 1..4096 (got 0)");
  expect_invalid(WorkType::messaging(2, 4097), 4, "Messaging: msg_bytes must be 1..4096 (got 4097)");
  // Whole groups only: 5 workers are not a multiple of 2 senders + 2 receivers.
  EXPECT_KTSTR_ERROR(WorkType::messaging(2, 100).validate(5), "Messaging: 5 workers is not a multiple of its group size 4");
  EXPECT_KTSTR_ERROR(WorkType::request_response(2, 64, 1, 0).validate(4), "RequestResponse: 4 workers is not a multiple of its group size 3");
  // A parameter of another kind is refused by name.
  EXPECT_KTSTR_ERROR(make_work_type("Messaging", nlohmann::json{{"fan_out", 3}}), "fan_out");
}

TEST(WorkTypeParams, NamedParametersFromScenarioData) {
  WorkType b = make_work_type("bursty", nlohmann::json{{"burst_ms", 20}, {"sleep_ms", 5}});
  EXPECT_EQ(b.kind, WorkKind::Bursty);
  EXPECT_EQ(b.burst_ms, 20u);
  EXPECT_EQ(b.sleep_ms, 5u);
  EXPECT_EQ(make_work_type("CpuSpin", nlohmann::json::object()).kind, WorkKind::CpuSpin);
  EXPECT_EQ(make_work_type("CpuSpin", nullptr).kind, WorkKind::CpuSpin);
  WorkType s = make_work_type(
      "Sequence", nlohmann::json::parse(R"({"phases": [{"kind": "spin", "ms": 3}, {"kind": "io", "ms": 2}]})"));
  ASSERT_EQ(s.phases.size(), 2u);
  EXPECT_EQ(s.phases[1].kind, SequencePhase::Kind::Io);
  EXPECT_EQ(s.phases[1].ms, 2u);
}

TEST(WorkTypeParams, RejectsUnknownOrBadParameters) {
  EXPECT_KTSTR_ERROR(make_work_type("Bursty", nlohmann::json{{"fan_out", 3}}), "valid parameters: burst_ms, sleep_ms");
  EXPECT_KTSTR_ERROR(make_work_type("Bursty", nlohmann::json{{"burst_ms", -1}}), "Bursty: parameter 'burst_ms' must be a non-negative integer, got -1");
  EXPECT_KTSTR_ERROR(make_work_type("Bursty", nlohmann::json{{"burst_ms", "5"}}), "Bursty: parameter 'burst_ms' must be a non-negative integer, got \"5\"");
  EXPECT_KTSTR_ERROR(make_work_type("Bursty", nlohmann::json::array()), "Bursty: parameters must be a JSON object, got []");
  EXPECT_KTSTR_ERROR(make_work_type("Sequence", nlohmann::json::parse(R"({"phases": [{"kind": "nap", "ms": 1}]})")), "Sequence: unknown phase kind 'nap' (spin, sleep, yield, io)");
}

TEST(WorkTypeParams, RoundTrip) {
  for (auto name : work_kind_names()) {
    WorkType w = WorkType::parse(name);
    nlohmann::json p = work_type_params(w);
    WorkType back = make_work_type(name, p);
    EXPECT_EQ(work_type_params(back), p) << name;
  }
}

TEST(WorkTypeParams, NiceSweepRange) {
  WorkType n = make_work_type("NiceSweep", nlohmann::json{{"nice_min", -5}, {"nice_max", 5}});
  EXPECT_EQ(n.nice_min, -5);
  EXPECT_EQ(n.nice_max, 5);
  EXPECT_NO_THROW(n.validate(1));
  EXPECT_KTSTR_ERROR(make_work_type("NiceSweep", nlohmann::json{{"nice_min", -21}}), "NiceSweep: parameter 'nice_min' must be an integer in -20..19, got -21");
  n.nice_min = 10;
  EXPECT_KTSTR_ERROR(n.validate(1), "NiceSweep: need -20 <= nice_min <= nice_max <= 19, got 10..5");
  EXPECT_KTSTR_ERROR(make_work_type("CpuSpin", nlohmann::json{{"nice_min", 0}}), "CpuSpin: unknown parameter 'nice_min'; valid parameters: spin_units");
}
