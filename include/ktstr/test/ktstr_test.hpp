#pragma once
// KTSTR_TEST: a GoogleTest test whose body runs inside a VM booted for it.
//
//   #include <ktstr/ktstr.hpp>
//   using namespace std::chrono_literals;
//
//   KTSTR_TEST(Fixture, SpinnersShareTheCpus, {.scheduler = "fixture", .duration = 1500ms}) {
//     auto r = ctx.run(ktstr::Scenario{...});
//     EXPECT_LT(r.stats.worst_spread, 50);
//   }
//
// Registers the GoogleTest test ktstr/Fixture.SpinnersShareTheCpus. On the
// host its TestBody boots a VM -- kernel, the options' topology and memory,
// the scheduler with the variant's flags -- whose /init is this very test
// binary; in the guest the binary finds the test by name and runs the body
// with the scheduler attached, then reports the verdict back over the
// channel. Options: see test/options.hpp; what a body may do: context.hpp.
//
// Link ktstr::gtest_main (or call ktstr::test_main from your own main): it
// enters guest init when the binary is PID 1, and adds the gauntlet, -j and
// dry-run flags (run the binary with --ktstr-help).
#include <gtest/gtest.h>

#include "ktstr/test/context.hpp"
#include "ktstr/test/options.hpp"
#include "ktstr/test/work_fn.hpp"

namespace ktstr {

namespace detail {
// Registers with ktstr and registers the base variant with GoogleTest.
// Always returns true (bad definitions end the program with exit 2 and a
// message naming the test).
bool register_test(const char* suite, const char* name, const TestOptions& options, void (*body)(Context&),
                   const char* file, int line);
}  // namespace detail

// The main() of a test binary: guest init when PID 1; otherwise parses the
// --ktstr-* flags, registers gauntlet variants, runs GoogleTest.
int test_main(int argc, char** argv);

}  // namespace ktstr

#define KTSTR_TEST_CAT2_(a, b) a##b
#define KTSTR_TEST_CAT_(a, b) KTSTR_TEST_CAT2_(a, b)
#define KTSTR_TEST_ID_(suite, name, what) KTSTR_TEST_CAT_(ktstr_##what##_##suite##_, name)

// Options: nothing, a braced list of designated initializers
// ({.topology = "1n2l2c1t", ...}), or a TestOptions value.
#define KTSTR_TEST(suite, name, ...)                                                                   \
  static void KTSTR_TEST_ID_(suite, name, body)(::ktstr::Context & ctx);                               \
  [[maybe_unused]] static const bool KTSTR_TEST_ID_(suite, name, registered) =                         \
      ::ktstr::detail::register_test(#suite, #name, ::ktstr::TestOptions(__VA_ARGS__),                 \
                                     &KTSTR_TEST_ID_(suite, name, body), __FILE__, __LINE__);          \
  static void KTSTR_TEST_ID_(suite, name, body)([[maybe_unused]] ::ktstr::Context & ctx)
