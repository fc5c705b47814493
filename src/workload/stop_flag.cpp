#include "workload/stop_flag.hpp"

#include <signal.h>

namespace ktstr::workload {
namespace {

volatile sig_atomic_t g_stop = 0;

void on_stop(int) { g_stop = 1; }

}  // namespace

bool stop_requested() { return g_stop != 0; }
void request_stop() { g_stop = 1; }
void clear_stop() { g_stop = 0; }

void install_stop_handler() {
  struct sigaction sa{};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: interrupt sleeps and reads
  ::sigaction(kStopSignal, &sa, nullptr);
}

}  // namespace ktstr::workload
