#pragma once
// The things guest init can be asked to run. Each runs in a child of PID 1
// and returns the exit code PID 1 reports to the host.
#include "guest/publisher.hpp"
#include "guest/request.hpp"

namespace ktstr::guest {

// Dispatches on request.action; unknown actions are an error (exit 2).
int run_action(const Request& request, Publisher& pub, int port_fd);

}  // namespace ktstr::guest
