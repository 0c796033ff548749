#include "app/shutdown.h"

#include <unistd.h>

#include <csignal>

namespace newsflow {

std::atomic<bool> g_stop_requested{false};
std::atomic<bool> g_reload_requested{false};

namespace {
// The first signal asks for a clean stop (drain, deliver, commit); a second one means "now": exit
// at once with 128 + signal, as a shell reports it. What was in flight is then not delivered: in
// Kafka mode it is read again (its offsets were never committed); a JSONL output stops short.
void on_stop(int sig) {
  if (g_stop_requested.exchange(true)) _exit(128 + sig);
}
void on_reload(int) { g_reload_requested.store(true); }
}  // namespace

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocking read returns so the loop can see the flag
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = on_reload;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a write error we report, not a silent death
}

}  // namespace newsflow
