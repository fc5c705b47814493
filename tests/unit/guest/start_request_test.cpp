#include "guest/start_request.hpp"

#include <gtest/gtest.h>

#include "util/error.hpp"

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
  try {
    decode_envelope("not json");
    FAIL() << "no error";
  } catch (const ktstr::Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad request envelope"), std::string::npos) << e.what();
  }
  try {
    decode_envelope("{\"seed\":\"00\"}");
    FAIL() << "no error";
  } catch (const ktstr::Error& e) {
    EXPECT_NE(std::string(e.what()).find("no request"), std::string::npos) << e.what();
  }
}

TEST(StartEnvelope, RequestWithoutActionIsRejected) {
  EXPECT_THROW(decode_envelope("{\"request\":\"{}\"}"), ktstr::Error);
}
