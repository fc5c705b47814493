#pragma once
// Records of the contract's shape for the report's unit tests: the fields a
// real `ktstr run` writes, with a small timeline whose values the tests know.
#include <string>

#include <nlohmann/json.hpp>

namespace ktstr::report::testing {

// A test on `cpus` CPUs with `samples` monitor samples every 0.1 s from
// t=1.0: nr_running of CPU c at sample i is (i + c) % 4, local DSQ depth
// (i % 3 == 0 ? c : 0); events backdrop@1.0, step 1 start@1.5, an op@1.6,
// a host-view attach@1.05; verdicts: a stall on CPU 1 at 1.8 and a
// machine-wide imbalance at 1.9; one watchdog event.
nlohmann::json sample_record(const std::string& test = "steady", unsigned cpus = 3, unsigned samples = 12,
                             const std::string& verdict = "FAIL");

}  // namespace ktstr::report::testing
