#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "support/ktstr_test_support.hpp"

namespace ktstr::test {

std::vector<int> children_of(int pid) {
  std::vector<int> kids;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    // The command name may hold spaces and ')': the fields after the last ')'.
    auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 > stat.size()) continue;  // the process exited under us
    std::istringstream rest(stat.substr(close + 2));
    char state;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid == pid) kids.push_back(std::stoi(name));
  }
  return kids;
}

}  // namespace ktstr::test
