#include "guest/log_collapse.hpp"

#include <deque>

#include <fmt/format.h>

#include "util/files.hpp"

namespace ktstr::guest {

std::string collapse_repeats(const std::string& text, size_t keep, size_t max_lines) {
  std::deque<std::string> out;
  auto lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t dropped_front = 0;
  auto push = [&](std::string l) {
    out.push_back(std::move(l));
    if (out.size() > max_lines) {
      out.pop_front();
      ++dropped_front;
    }
  };
  for (size_t i = 0; i < lines.size();) {
    size_t j = i;
    while (j < lines.size() && lines[j] == lines[i]) ++j;
    size_t run = j - i;
    for (size_t k = 0; k < std::min(run, keep); ++k) push(lines[i]);
    if (run > keep) push(fmt::format("  ... (line repeated {} more times)", run - keep));
    i = j;
  }
  std::string s;
  if (dropped_front) s += fmt::format("  ... ({} earlier lines omitted)\n", dropped_front);
  for (const auto& l : out) s += l + "\n";
  return s;
}

}  // namespace ktstr::guest
