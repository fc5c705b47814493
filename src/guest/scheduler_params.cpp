#include "guest/scheduler_params.hpp"

#include <fstream>

#include "util/error.hpp"

namespace ktstr::guest {

SchedulerLaunch prepare_scheduler(const nlohmann::json& sched) {
  SchedulerLaunch launch;
  launch.binary = sched.at("binary").get<std::string>();
  launch.args = sched.value("args", std::vector<std::string>{});
  for (const auto& kv : sched.value("sysctls", nlohmann::json::array())) {
    std::string path = kv.at(0).get<std::string>(), value = kv.at(1).get<std::string>();
    std::ofstream f(path);
    if (!(f << value << "\n")) fail("cannot set sysctl {} = {} for the scheduler", path, value);
  }
  return launch;
}

}  // namespace ktstr::guest
