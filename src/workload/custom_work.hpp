#pragma once
// Work functions a test binary registers by name, so scenarios (which are
// data) can name them: Work::of("my_work"). The registry lives in the
// binary itself, which is both the host side and the guest's /init, so a
// name resolves the same way on both sides.
#include <string>
#include <string_view>
#include <vector>

#include "workload/work_type.hpp"

namespace ktstr::workload {

// Throws ktstr::Error for an empty name, a name a built-in work type
// already has, or a name registered twice.
void register_custom_work(std::string name, CustomWork fn);
// The registered function, or nullptr.
const CustomWork* find_custom_work(std::string_view name);
std::vector<std::string> custom_work_names();

}  // namespace ktstr::workload
