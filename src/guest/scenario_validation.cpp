#include "guest/scenario_validation.hpp"

#include "util/error.hpp"
#include "workload/custom_work.hpp"
#include "workload/work_type.hpp"
#include "workload/work_type_params.hpp"

namespace ktstr::guest {

scenario::ValidationContext validation_context(const scenario::CpuLayout* layout) {
  scenario::ValidationContext ctx;
  std::vector<std::string> names;
  for (auto n : workload::work_kind_names()) names.emplace_back(n);
  for (auto& n : workload::custom_work_names()) names.push_back(n);
  ctx.is_known_type = scenario::ValidationContext::known_types(names);
  ctx.group_size = [](const scenario::Work& w) -> uint32_t {
    try {
      return static_cast<uint32_t>(workload::make_work_type(w.type, w.params).group_size());
    } catch (const Error&) {
      return 1;  // the type error itself is reported by is_known_type
    }
  };
  ctx.layout = layout;
  return ctx;
}

}  // namespace ktstr::guest
