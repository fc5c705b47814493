#pragma once
// The "name(arg,arg)" text form shared by cpuset specs, affinity kinds and
// scheduling policies, so scenario files stay short and readable.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/cpu_list.hpp"

namespace ktstr::scenario {

struct SpecText {
  std::string whole;  // for error messages
  std::string what;   // "cpuset", "affinity", ...
  std::string name;
  std::string inner;              // text between the parentheses
  std::vector<std::string> args;  // inner split on ','
  bool has_parens = false;

  // "name" or "name(args)"; throws ktstr::Error on unbalanced text.
  static SpecText parse(std::string_view text, std::string what);
  // Throws unless there are exactly n arguments.
  void arity(size_t n) const;
  uint32_t u32(size_t i) const;
  double num(size_t i) const;
  // The inner text as a CPU list ("exact(0-3,6)"); the error quotes the
  // whole spec as well as the parser's reason.
  CpuList cpu_list() const;
};

}  // namespace ktstr::scenario
