// The shared negative-test assertion can fail: each way a statement can
// miss the expected error is reported, with the actual message.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "support/ktstr_test_support.hpp"
#include "util/error.hpp"

namespace {

void throws(const char* msg) { throw ktstr::Error(msg); }
void quiet() {}

TEST(TestSupport, ExpectKtstrErrorPassesOnTheRightMessage) { EXPECT_KTSTR_ERROR(throws("bad topology 'x'"), "topology 'x'"); }

TEST(TestSupport, ExpectKtstrErrorFailsWhenNothingIsThrown) {
  EXPECT_NONFATAL_FAILURE(EXPECT_KTSTR_ERROR(quiet(), "anything"), "threw nothing");
}

TEST(TestSupport, ExpectKtstrErrorFailsOnAnotherMessageAndPrintsIt) {
  EXPECT_NONFATAL_FAILURE(EXPECT_KTSTR_ERROR(throws("disk full"), "bad topology"), "threw ktstr::Error: \"disk full\"");
}

TEST(TestSupport, ExpectKtstrErrorFailsOnAnotherExceptionType) {
  EXPECT_NONFATAL_FAILURE(EXPECT_KTSTR_ERROR(throw std::runtime_error("boom"), "boom"), "non-ktstr exception: \"boom\"");
}

TEST(TestSupport, ExpectKtstrErrorRefusesAnEmptyText) {
  EXPECT_NONFATAL_FAILURE(EXPECT_KTSTR_ERROR(throws("x"), ""), "matches any error");
}

TEST(TestSupport, AssertKtstrErrorIsFatal) {
  EXPECT_FATAL_FAILURE(ASSERT_KTSTR_ERROR(quiet(), "x"), "threw nothing");
}

TEST(TestSupport, ErrorOfReturnsTheMessageOrTheNoErrorMark) {
  EXPECT_EQ(ktstr::test::error_of([] { throws("m"); }), "m");
  EXPECT_EQ(ktstr::test::error_of(quiet), ktstr::test::kNoError);
}

}  // namespace
