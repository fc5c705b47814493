#pragma once
// The KTSTR_TESTs compiled into this binary. Filled by static initialisers
// (one per KTSTR_TEST), read by the host side (to register GoogleTest
// tests, expand gauntlets) and by the guest side (to find the body the
// host asked for). Same binary on both sides, so the same registry.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ktstr/test/context.hpp"
#include "ktstr/test/options.hpp"

namespace ktstr::runner {

using TestBody = void (*)(Context&);

struct TestDef {
  std::string suite, name;
  TestOptions options;
  TestBody body = nullptr;
  std::string file;
  int line = 0;

  // "<Suite>.<Name>": the <test> of ktstr/<test> and gauntlet/<test>/...
  std::string id() const { return suite + "." + name; }
};

class TestRegistry {
 public:
  static TestRegistry& global();
  // Throws ktstr::Error for a duplicate id or a missing body.
  const TestDef& add(TestDef def);
  const TestDef* find(std::string_view id) const;
  // In registration order (translation-unit order, then source order).
  const std::vector<const TestDef*>& all() const { return order_; }

 private:
  std::vector<std::unique_ptr<TestDef>> defs_;
  std::vector<const TestDef*> order_;
};

}  // namespace ktstr::runner
