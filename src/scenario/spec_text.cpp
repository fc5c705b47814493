#include "scenario/spec_text.hpp"

#include <charconv>

#include "util/cpu_list.hpp"
#include "util/error.hpp"
#include "util/files.hpp"

namespace ktstr::scenario {

SpecText SpecText::parse(std::string_view text, std::string what) {
  SpecText t;
  t.whole = trim(text);
  t.what = std::move(what);
  auto open = t.whole.find('(');
  if (open == std::string::npos) {
    t.name = t.whole;
  } else {
    if (t.whole.back() != ')') fail("bad {} '{}': missing ')'", t.what, t.whole);
    t.has_parens = true;
    t.name = trim(std::string_view(t.whole).substr(0, open));
    t.inner = t.whole.substr(open + 1, t.whole.size() - open - 2);
    if (!trim(t.inner).empty())
      for (auto& a : split(t.inner, ',')) t.args.push_back(trim(a));
  }
  if (t.name.empty()) fail("bad {} '{}': missing name", t.what, t.whole);
  return t;
}

void SpecText::arity(size_t n) const {
  if (args.size() != n) fail("bad {} '{}': {} takes {} argument(s)", what, whole, name, n);
}

uint32_t SpecText::u32(size_t i) const {
  const std::string& a = args.at(i);
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(a.data(), a.data() + a.size(), v);
  if (a.empty() || ec != std::errc() || p != a.data() + a.size())
    fail("bad {} '{}': '{}' is not a non-negative integer", what, whole, a);
  return v;
}

CpuList SpecText::cpu_list() const {
  try {
    return parse_cpu_list(inner);
  } catch (const Error& e) {
    fail("bad {} '{}': {}", what, whole, e.what());
  }
}

double SpecText::num(size_t i) const {
  const std::string& a = args.at(i);
  double v = 0;
  auto [p, ec] = std::from_chars(a.data(), a.data() + a.size(), v);
  if (a.empty() || ec != std::errc() || p != a.data() + a.size())
    fail("bad {} '{}': '{}' is not a number", what, whole, a);
  return v;
}

}  // namespace ktstr::scenario
