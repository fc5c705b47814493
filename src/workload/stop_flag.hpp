#pragma once
// The worker's "finish your iteration and report" flag, set from a signal
// handler. Blocking waits in work loops use bounded timeouts so they notice
// it even when the signal landed just before they went to sleep.
#include <csignal>

namespace ktstr::workload {

// The signal WorkerGroup::stop() sends.
inline constexpr int kStopSignal = SIGUSR1;

bool stop_requested();
void request_stop();
void clear_stop();
// Installs the handler for kStopSignal without SA_RESTART, so blocking calls
// return EINTR and loops re-check the flag.
void install_stop_handler();

}  // namespace ktstr::workload
