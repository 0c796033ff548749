// Serves /metrics, /livez and /readyz on one port (cpp-httplib); every other path is 404.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "core/clock.h"

namespace httplib { class Server; }

namespace newsflow {

class Metrics;

struct Health {
  std::atomic<bool> live{true};
  std::atomic<bool> ready{false};
  // Shutdown requested (the SIGTERM flag): readiness is off from that moment, before the run loop
  // gets round to clearing `ready`.
  const std::atomic<bool>* stopping = nullptr;
  bool is_ready() const { return ready.load() && !(stopping && stopping->load()); }

  // Liveness watchdog (Kafka mode; off while stall_timeout_ns is 0): the run loop beats with
  // beat(), saying how long the graph has held work without finishing any. /livez turns 503 when
  // the beats stop (the loop hangs) or the graph has been stuck longer than the timeout (a stage
  // that never returns). A broker outage is neither: the loop keeps polling.
  int64_t stall_timeout_ns = 0;
  void beat(int64_t now_ns, int64_t graph_stalled_ns) {
    last_beat_ns.store(now_ns, std::memory_order_relaxed);
    stalled_ns.store(graph_stalled_ns, std::memory_order_relaxed);
  }
  bool is_live(int64_t now_ns) const {
    if (!live.load()) return false;
    if (stall_timeout_ns <= 0) return true;
    const int64_t beat_at = last_beat_ns.load(std::memory_order_relaxed);
    return beat_at == 0 || (now_ns - beat_at < stall_timeout_ns && stalled_ns.load(std::memory_order_relaxed) < stall_timeout_ns);
  }
  std::atomic<int64_t> last_beat_ns{0};  // steady clock; 0 = no beat yet (starting up)
  std::atomic<int64_t> stalled_ns{0};
};

class HttpServer {
 public:
  HttpServer(Metrics& metrics, Health& health);
  ~HttpServer();
  // Binds HOST:PORT and starts serving on a background thread. Throws std::runtime_error with a
  // clear message when the address is invalid or the port is taken.
  void start(const std::string& host_port);
  void stop();
  int port() const { return port_; }

 private:
  Metrics& metrics_;
  Health& health_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// Splits "HOST:PORT" ("[::1]:9464" for IPv6). Throws std::invalid_argument naming the problem.
std::pair<std::string, int> parse_host_port(const std::string& s);

}  // namespace newsflow
