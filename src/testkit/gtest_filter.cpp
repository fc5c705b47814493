#include "testkit/gtest_filter.hpp"

#include <cctype>

namespace ktstr::testkit {
namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+'; }

bool internal_dash(const std::string& s, size_t i) {
  return s[i] == '-' && i > 0 && i + 1 < s.size() && name_char(s[i - 1]) && name_char(s[i + 1]);
}

bool matches_any(const std::string& pattern, const std::vector<std::string>& names) {
  for (const auto& n : names)
    if (glob_match(pattern.c_str(), n.c_str())) return true;
  return false;
}

// One ':'-separated pattern; '-' separators inside it (e.g. "*-Neg") split
// it into pieces that are fixed independently.
std::string protect_pattern(const std::string& p, const std::vector<std::string>& names) {
  std::string out;
  size_t start = 0;
  for (size_t i = 0; i <= p.size(); ++i) {
    bool sep = i < p.size() && p[i] == '-' && !internal_dash(p, i);
    if (i < p.size() && !sep) continue;
    std::string piece = p.substr(start, i - start), fixed = piece;
    bool any = false;
    for (size_t k = 0; k < fixed.size(); ++k)
      if (internal_dash(fixed, k)) {
        fixed[k] = '?';
        any = true;
      }
    out += any && matches_any(fixed, names) ? fixed : piece;
    if (i < p.size()) out += '-';
    start = i + 1;
  }
  return out;
}

}  // namespace

bool glob_match(const char* pattern, const char* text) {
  // Iterative with one backtrack point: linear enough for test names.
  const char *star = nullptr, *resume = nullptr;
  while (*text) {
    if (*pattern == '?' || *pattern == *text) {
      ++pattern;
      ++text;
    } else if (*pattern == '*') {
      star = pattern++;
      resume = text;
    } else if (star) {
      pattern = star + 1;
      text = ++resume;
    } else {
      return false;
    }
  }
  while (*pattern == '*') ++pattern;
  return *pattern == '\0';
}

std::string protect_names_in_filter(const std::string& filter, const std::vector<std::string>& names) {
  std::string out;
  size_t start = 0;
  for (size_t i = 0; i <= filter.size(); ++i) {
    if (i < filter.size() && filter[i] != ':') continue;
    out += protect_pattern(filter.substr(start, i - start), names);
    if (i < filter.size()) out += ':';
    start = i + 1;
  }
  return out;
}

}  // namespace ktstr::testkit
