#pragma once
// The things guest init can be asked to run. Each runs in a child of PID 1
// and returns the exit code PID 1 reports to the host.
#include <functional>
#include <string>

#include "guest/publisher.hpp"
#include "guest/request.hpp"

namespace ktstr::guest {

// Dispatches on request.action; unknown actions are an error (exit 2).
int run_action(const Request& request, Publisher& pub, int port_fd);

// Actions a binary linking ktstr adds before guest init runs (a test binary
// adds "test": run one KTSTR_TEST body). Built-in names cannot be replaced.
using ActionFn = std::function<int(const Request& request, Publisher& pub, int port_fd)>;
void register_action(std::string name, ActionFn fn);

}  // namespace ktstr::guest
