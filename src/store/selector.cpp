#include "store/selector.hpp"

#include <algorithm>

#include "store/record.hpp"
#include "util/error.hpp"

namespace ktstr::store {

const std::vector<std::string>& selector_dimensions() {
  static const std::vector<std::string> d = [] {
    auto v = Identity::fields();
    v.push_back("run");
    v.push_back("verdict");
    return v;
  }();
  return d;
}

Selector Selector::parse(std::string_view text) {
  Selector s;
  s.text = std::string(text);
  std::string cur;
  auto flush = [&] {
    if (cur.empty()) return;
    auto eq = cur.find('=');
    if (eq == std::string::npos)
      fail("selector term '{}' is not DIMENSION=VALUE (e.g. scheduler=eevdf, run=latest)", cur);
    std::string dim = cur.substr(0, eq), val = cur.substr(eq + 1);
    const auto& dims = selector_dimensions();
    if (std::find(dims.begin(), dims.end(), dim) == dims.end()) {
      std::string list;
      for (const auto& d : dims) list += (list.empty() ? "" : ", ") + d;
      fail("unknown selector dimension '{}' in '{}' (one of: {})", dim, s.text, list);
    }
    if (val.empty() && dim != "variant" && dim != "work_type")
      fail("selector term '{}' has an empty value", cur);
    s.terms.emplace_back(dim, val);
    cur.clear();
  };
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n') flush();
    else cur += c;
  }
  flush();
  return s;
}

std::string Selector::get(const std::string& dimension) const {
  for (const auto& [d, v] : terms)
    if (d == dimension) return v;
  return {};
}

}  // namespace ktstr::store
