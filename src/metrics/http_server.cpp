#include "metrics/http_server.h"

#include <chrono>
#include <thread>

#include <httplib.h>
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <stdexcept>

#include "metrics/metrics.h"

namespace newsflow {

std::pair<std::string, int> parse_host_port(const std::string& s) {
  const auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) {
    throw std::invalid_argument("expected HOST:PORT, got '" + s + "'");
  }
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(s.substr(colon + 1), &used);
    if (used != s.size() - colon - 1) throw std::invalid_argument("port");
  } catch (const std::exception&) {
    throw std::invalid_argument("port in '" + s + "' is not a number");
  }
  if (port < 0 || port > 65535) throw std::invalid_argument("port in '" + s + "' is out of range");
  return {host, port};
}

namespace {

// newsflow_ready / newsflow_live mirror /readyz and /livez so alerts can see readiness history.
class HealthCollector : public prometheus::Collectable {
 public:
  explicit HealthCollector(const Health& health) : health_(health) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    return {gauge("newsflow_ready", "1 while /readyz answers 200 (input assigned, output healthy, not shutting down).",
                  health_.is_ready()),
            gauge("newsflow_live", "1 while /livez answers 200.", health_.is_live(steady_now_ns()))};
  }

 private:
  static prometheus::MetricFamily gauge(const char* name, const char* help, bool v) {
    prometheus::MetricFamily f;
    f.name = name;
    f.help = help;
    f.type = prometheus::MetricType::Gauge;
    prometheus::ClientMetric m;
    m.gauge.value = v ? 1.0 : 0.0;
    f.metric.push_back(m);
    return f;
  }
  const Health& health_;
};

}  // namespace

// The collector refers to `health`: the HttpServer (the only scraper) must be stopped before
// `health` goes away, which declaration order in the app guarantees.
HttpServer::HttpServer(Metrics& metrics, Health& health) : metrics_(metrics), health_(health) {
  metrics_.add_collectable(std::make_shared<HealthCollector>(health_));
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start(const std::string& host_port) {
  auto [host, port] = parse_host_port(host_port);
  server_ = std::make_unique<httplib::Server>();
  // httplib's default also sets SO_REUSEPORT, which lets a second newsflow bind the same port and
  // share its scrapes; SO_REUSEADDR alone still allows a quick restart.
  server_->set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.scrape(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/livez", [this](const httplib::Request&, httplib::Response& res) {
    const bool ok = health_.is_live(steady_now_ns());
    res.status = ok ? 200 : 503;
    res.set_content(ok ? "ok\n" : "not live\n", "text/plain");
  });
  server_->Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    const bool ok = health_.is_ready();
    res.status = ok ? 200 : 503;
    res.set_content(ok ? "ready\n" : "not ready\n", "text/plain");
  });
  server_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404) res.set_content("not found\n", "text/plain");
  });
  if (port == 0) {
    port_ = server_->bind_to_any_port(host);
    if (port_ < 0) throw std::runtime_error("cannot bind metrics endpoint to " + host_port);
  } else {
    if (!server_->bind_to_port(host, port)) {
      throw std::runtime_error("cannot bind metrics endpoint to " + host_port + " (address in use or not available)");
    }
    port_ = port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() does nothing until the listen loop runs: a stop() right after start() (e.g.
  // start-up failing on a bad Kafka config) would then hang in join(). Return once it serves.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void HttpServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace newsflow
