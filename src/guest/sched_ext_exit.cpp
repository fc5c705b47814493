#include "guest/sched_ext_exit.hpp"

#include <regex>

#include <fmt/format.h>

namespace ktstr::guest {

bool SchedExtExit::clean() const {
  return kind.find("unregistered") != std::string::npos || kind == "Scheduler requested exit" ||
         kind.find("sysrq") != std::string::npos;
}

std::string SchedExtExit::describe() const {
  std::string s = fmt::format("sched_ext disabled scheduler \"{}\" ({})", scheduler, kind);
  for (const auto& l : reason_lines) s += "\n  " + l;
  return s;
}

std::optional<SchedExtExit> parse_sched_ext_exit(const std::vector<KmsgRecord>& records) {
  static const std::regex disabled(R"re(sched_ext: BPF scheduler "([^"]*)" disabled \((.*)\)\s*$)re");
  std::optional<SchedExtExit> found;
  for (const auto& r : records) {
    std::smatch m;
    if (std::regex_search(r.text, m, disabled)) {
      found = SchedExtExit{m[1].str(), m[2].str(), {}};
    } else if (found && r.text.rfind("sched_ext: ", 0) == 0 &&
               r.text.find("BPF scheduler \"") == std::string::npos) {
      if (found->reason_lines.size() < 20) found->reason_lines.push_back(r.text);
    }
  }
  return found;
}

std::optional<std::string> parse_sched_ext_enabled(const std::vector<KmsgRecord>& records) {
  static const std::regex enabled(R"re(sched_ext: BPF scheduler "([^"]*)" enabled)re");
  std::optional<std::string> name;
  for (const auto& r : records) {
    std::smatch m;
    if (std::regex_search(r.text, m, enabled)) name = m[1].str();
  }
  return name;
}

}  // namespace ktstr::guest
