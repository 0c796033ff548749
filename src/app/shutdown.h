#pragma once

#include <atomic>

namespace newsflow {

// Set by SIGINT/SIGTERM; the run loops stop reading, drain and exit cleanly. A second signal
// exits at once (128 + signal), without draining.
extern std::atomic<bool> g_stop_requested;
// Set by SIGHUP; consumers reload what can change live.
extern std::atomic<bool> g_reload_requested;

void install_signal_handlers();

}  // namespace newsflow
