// KTSTR_TEST's registration: into ktstr's registry (the guest looks bodies
// up there) and, for the base variant, into GoogleTest.
#include <cstdio>
#include <cstdlib>

#include "ktstr/test/ktstr_test.hpp"
#include "runner/test_registry.hpp"
#include "testkit/gtest_variants.hpp"
#include "util/error.hpp"

namespace ktstr::detail {

bool register_test(const char* suite, const char* name, const TestOptions& options, void (*body)(Context&),
                   const char* file, int line) {
  try {
    runner::TestDef def;
    def.suite = suite;
    def.name = name;
    def.options = options;
    def.body = body;
    def.file = file;
    def.line = line;
    const runner::TestDef& added = runner::TestRegistry::global().add(std::move(def));
    testkit::register_base_variant(added);
    testkit::add_environment_once();
  } catch (const std::exception& e) {
    // Static initialisation: there is no caller to report to.
    std::fprintf(stderr, "ktstr: KTSTR_TEST(%s, %s) at %s:%d: %s\n", suite, name, file, line, e.what());
    std::exit(2);
  }
  return true;
}

}  // namespace ktstr::detail
