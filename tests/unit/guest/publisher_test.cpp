#include <gtest/gtest.h>

#include "guest/publisher.hpp"
#include "guest/request.hpp"
#include "util/error.hpp"
#include "support/ktstr_test_support.hpp"

using namespace ktstr;
using namespace ktstr::guest;

TEST(ChannelArg, ParsedFromKernelCommandLine) {
  auto r = parse_channel_arg("console=ttyS0 memmap=1024K$0xff00000 ktstr.chan=0xff00000,0x100000 quiet\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->addr, 0xff00000u);
  EXPECT_EQ(r->size, 0x100000u);
}

TEST(ChannelArg, MissingOrMalformedIsNullopt) {
  EXPECT_FALSE(parse_channel_arg("console=ttyS0"));
  EXPECT_FALSE(parse_channel_arg("ktstr.chan=0x1000"));
  EXPECT_FALSE(parse_channel_arg("ktstr.chan=zz,0x10"));
  EXPECT_FALSE(parse_channel_arg("ktstr.chan=0x1000,0"));
}

TEST(Request, RoundTrip) {
  Request r{"exec", "echo hi", {{"x", 1}}};
  auto back = parse_request(request_to_json(r));
  EXPECT_EQ(back.action, "exec");
  EXPECT_EQ(back.command, "echo hi");
  EXPECT_EQ(back.params["x"], 1);
}

TEST(Request, BadJsonIsAClearError) {
  EXPECT_KTSTR_ERROR(parse_request("{not json"), "bad run request /ktstr/request.json: [json.exception.parse_error.101]");
  EXPECT_KTSTR_ERROR(parse_request("{}"), "run request has no action");
}
