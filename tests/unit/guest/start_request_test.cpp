#include "guest/start_request.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr::guest;

TEST(StartEnvelope, CarriesRequestClockAndSeed) {
  StartEnvelope e;
  e.request.action = "test";
  e.request.command = "true";
  e.request.params = {{"scheduler", {{"name", "x"}}}};
  e.realtime_ns = 1796035988123456789;
  e.seed_hex = "00ff";
  StartEnvelope d = decode_envelope(encode_envelope(e));
  EXPECT_EQ(d.request.action, "test");
  EXPECT_EQ(d.request.command, "true");
  EXPECT_EQ(d.request.params["scheduler"]["name"], "x");
  EXPECT_EQ(d.realtime_ns, 1796035988123456789);
  EXPECT_EQ(d.seed_hex, "00ff");
}

TEST(StartEnvelope, GarbageIsAClearError) {
  EXPECT_KTSTR_ERROR(decode_envelope("not json"), "bad request envelope");
  EXPECT_KTSTR_ERROR(decode_envelope("{\"seed\":\"00\"}"), "no request");
}

TEST(StartEnvelope, RequestWithoutActionIsRejected) {
  EXPECT_KTSTR_ERROR(decode_envelope("{\"request\":\"{}\"}"), "run request has no action");
}
