// Serves /metrics, /livez and /readyz on one port (cpp-httplib); every other path is 404.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

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
