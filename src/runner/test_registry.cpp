#include "runner/test_registry.hpp"

#include "util/error.hpp"

namespace ktstr::runner {

TestRegistry& TestRegistry::global() {
  static TestRegistry r;
  return r;
}

const TestDef& TestRegistry::add(TestDef def) {
  if (!def.body) fail("KTSTR_TEST {}: no body", def.id());
  if (find(def.id())) fail("KTSTR_TEST {} is defined twice (second at {}:{})", def.id(), def.file, def.line);
  defs_.push_back(std::make_unique<TestDef>(std::move(def)));
  order_.push_back(defs_.back().get());
  return *defs_.back();
}

const TestDef* TestRegistry::find(std::string_view id) const {
  for (const auto* d : order_)
    if (d->id() == id) return d;
  return nullptr;
}

}  // namespace ktstr::runner
