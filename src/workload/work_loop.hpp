#pragma once
// Runs the work type's loop in the calling (worker) process until a stop
// is requested. Throws ktstr::Error when the loop cannot continue.
#include "workload/worker_context.hpp"

namespace ktstr::workload {

void run_work(WorkerContext& ctx);

}  // namespace ktstr::workload
