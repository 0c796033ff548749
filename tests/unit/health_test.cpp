// /livez, /readyz and newsflow_ready / newsflow_live through the real HTTP server on a loopback
// port: readiness follows Health::ready and turns off as soon as the stop flag (SIGTERM) is set.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <string>

#include "metrics/http_server.h"
#include "metrics/metrics.h"

using namespace newsflow;

namespace {

struct Served {
  Metrics metrics;
  Health health;
  std::atomic<bool> stop_flag{false};
  HttpServer http{metrics, health};
  Served() {
    health.stopping = &stop_flag;
    http.start("127.0.0.1:0");
  }
  int status(const char* path) {
    httplib::Client c("127.0.0.1", http.port());
    auto res = c.Get(path);
    return res ? res->status : -1;
  }
  bool metrics_line(const std::string& line) {
    httplib::Client c("127.0.0.1", http.port());
    auto res = c.Get("/metrics");
    return res && ("\n" + res->body).find("\n" + line + "\n") != std::string::npos;
  }
};

TEST(Health, ReadyzFollowsReadyAndMetricMirrorsIt) {
  Served s;
  EXPECT_EQ(s.status("/readyz"), 503);  // not ready until the run loop says so (e.g. assignment)
  EXPECT_TRUE(s.metrics_line("newsflow_ready 0"));
  s.health.ready.store(true);
  EXPECT_EQ(s.status("/readyz"), 200);
  EXPECT_TRUE(s.metrics_line("newsflow_ready 1"));
  s.health.ready.store(false);  // e.g. partitions revoked, producer failed
  EXPECT_EQ(s.status("/readyz"), 503);
}

TEST(Health, StopFlagTurnsReadinessOffAtOnce) {
  Served s;
  s.health.ready.store(true);
  ASSERT_EQ(s.status("/readyz"), 200);
  s.stop_flag.store(true);  // what the SIGTERM handler does; `ready` itself is still true
  EXPECT_EQ(s.status("/readyz"), 503);
  EXPECT_TRUE(s.metrics_line("newsflow_ready 0"));
  EXPECT_EQ(s.status("/livez"), 200);  // shutting down is not wedged
  EXPECT_TRUE(s.metrics_line("newsflow_live 1"));
}

TEST(Health, LivezAndUnknownPaths) {
  Served s;
  EXPECT_EQ(s.status("/livez"), 200);
  s.health.live.store(false);
  EXPECT_EQ(s.status("/livez"), 503);
  EXPECT_EQ(s.status("/nope"), 404);
  EXPECT_EQ(s.status("/metrics/extra"), 404);
}

TEST(Health, LivezTurns503WhenTheBeatsStopOrTheGraphIsStuck) {
  Served s;
  const int64_t second = 1000000000;
  s.health.stall_timeout_ns = 5 * second;
  EXPECT_EQ(s.status("/livez"), 200);  // no beat yet: starting up (e.g. reading the dedup state)
  s.health.beat(steady_now_ns(), 0);
  EXPECT_EQ(s.status("/livez"), 200);
  s.health.beat(steady_now_ns(), 6 * second);  // the loop turns, the graph has not finished anything
  EXPECT_EQ(s.status("/livez"), 503);
  EXPECT_TRUE(s.metrics_line("newsflow_live 0"));
  s.health.beat(steady_now_ns() - 6 * second, 0);  // the last beat is too old: the loop hangs
  EXPECT_EQ(s.status("/livez"), 503);
  s.health.beat(steady_now_ns(), 0);
  EXPECT_EQ(s.status("/livez"), 200);
  s.health.stall_timeout_ns = 0;  // watchdog off: only the flag counts
  s.health.beat(steady_now_ns() - 6 * second, 6 * second);
  EXPECT_EQ(s.status("/livez"), 200);
}

TEST(Health, TransactionCountersExportedFromTheStart) {
  Served s;
  EXPECT_TRUE(s.metrics_line(R"(newsflow_kafka_transactions_total{outcome="committed"} 0)"));
  EXPECT_TRUE(s.metrics_line(R"(newsflow_kafka_transactions_total{outcome="aborted"} 0)"));
  s.metrics.transactions_committed().Increment();
  s.metrics.transactions_aborted().Increment(2);
  EXPECT_TRUE(s.metrics_line(R"(newsflow_kafka_transactions_total{outcome="committed"} 1)"));
  EXPECT_TRUE(s.metrics_line(R"(newsflow_kafka_transactions_total{outcome="aborted"} 2)"));
}

}  // namespace
