// Scenario files: parse, validate, serialize back and parse again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenario/scenario_json.hpp"
#include "scenario/validate.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ktstr::scenario;
  try {
    Scenario s = scenario_from_text(std::string_view(reinterpret_cast<const char*>(data), size));
    (void)validation_errors(s);
    (void)scenario_from_text(scenario_to_json(s).dump());
  } catch (const ktstr::Error&) {
    // Bad input must be an Error with a message; anything else is a bug.
  }
  return 0;
}
