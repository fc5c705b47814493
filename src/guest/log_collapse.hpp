#pragma once
// Scheduler logs can repeat one line thousands of times; reports show each
// run of identical lines once with a count.
#include <string>

namespace ktstr::guest {

// "a\na\na\nb\n" → "a\n  ... (line repeated 2 more times)\nb\n" once a run is
// longer than `keep` lines; then keeps only the last `max_lines` lines.
std::string collapse_repeats(const std::string& text, size_t keep = 2, size_t max_lines = 200);

}  // namespace ktstr::guest
