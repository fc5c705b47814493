#pragma once
// Test helpers shared by every test tree (unit/, cli/, vm/, api/): one copy
// instead of one per file. A negative test asserts *which* error happened,
// so the main tool here is EXPECT_KTSTR_ERROR(statement, "text"): the
// statement must throw ktstr::Error and its message must contain the text.
#include <gtest/gtest.h>

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace ktstr::test {

// What error_of returns when f throws nothing: readable in a failure
// message, and never a substring of a real message a test looks for.
inline constexpr std::string_view kNoError = "(no ktstr::Error thrown)";

// Runs f and returns the message of the ktstr::Error it throws, or
// kNoError. Any other exception propagates and fails the test on its own.
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ktstr::Error& e) {
    return e.what();
  }
  return std::string(kNoError);
}

// The assertion behind EXPECT_/ASSERT_KTSTR_ERROR. Fails when nothing is
// thrown, when something other than ktstr::Error is thrown, when the
// message lacks `want`, and when `want` is empty (that would match any
// error, which is the weakness this macro exists to remove).
template <typename F>
::testing::AssertionResult throws_ktstr_error(const char* statement, F&& f, std::string_view want) {
  if (want.empty()) return ::testing::AssertionFailure() << "EXPECT_KTSTR_ERROR(" << statement << ", \"\") matches any error";
  try {
    f();
  } catch (const ktstr::Error& e) {
    std::string_view msg = e.what();
    if (msg.find(want) != std::string_view::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << statement << "\n  threw ktstr::Error: \"" << msg
                                         << "\"\n  which does not contain: \"" << want << "\"";
  } catch (const std::exception& e) {
    return ::testing::AssertionFailure() << statement << "\n  threw a non-ktstr exception: \"" << e.what()
                                         << "\"\n  expected a ktstr::Error containing: \"" << want << "\"";
  } catch (...) {
    return ::testing::AssertionFailure() << statement << "\n  threw a non-std exception"
                                         << "\n  expected a ktstr::Error containing: \"" << want << "\"";
  }
  return ::testing::AssertionFailure() << statement << "\n  threw nothing"
                                       << "\n  expected a ktstr::Error containing: \"" << want << "\"";
}

// Processes whose parent is `pid` (from /proc/<n>/stat), e.g. to find the
// QEMU a run left behind or to prove a refused run started none.
std::vector<int> children_of(int pid);

}  // namespace ktstr::test

// `statement` must throw ktstr::Error whose what() contains `text`. On a
// mismatch the failure prints the actual message. Streams like EXPECT_*.
#define EXPECT_KTSTR_ERROR(statement, text) \
  EXPECT_TRUE(::ktstr::test::throws_ktstr_error(#statement, [&] { (void)(statement); }, (text)))
#define ASSERT_KTSTR_ERROR(statement, text) \
  ASSERT_TRUE(::ktstr::test::throws_ktstr_error(#statement, [&] { (void)(statement); }, (text)))
