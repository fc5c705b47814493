#pragma once
// Human-readable verdicts: the failure details first (what went wrong),
// then a compact aligned stats block (the numbers to judge it by).
#include <string>

#include "ktstr/check/result.hpp"

namespace ktstr::check {

// "  [gap] cg_1: worker 3 (pid 123) stuck 2345 ms on cpu1 at +812 ms" lines.
std::string format_details(const CheckResult& r);
// A table: one row per Work group plus a totals/worst-of row.
std::string format_stats(const Stats& s);
// PASSED / SKIPPED: reason / FAILED, then details and stats as relevant.
std::string format_report(const CheckResult& r);

}  // namespace ktstr::check
