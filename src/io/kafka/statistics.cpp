#include "io/kafka/statistics.h"

#include <atomic>
#include <stdexcept>
#include <string_view>

#include "metrics/rdkafka_stats.h"

namespace newsflow::kafka {
namespace {

std::atomic<RdkafkaStats*> g_route{nullptr};
std::atomic<int64_t> g_interval_ms{0};

int on_statistics(rd_kafka_t*, char* json, size_t len, void*) {
  if (RdkafkaStats* stats = g_route.load(std::memory_order_acquire)) stats->update(std::string_view(json, len));
  return 0;  // librdkafka frees json
}

}  // namespace

StatisticsRoute::StatisticsRoute(RdkafkaStats& stats, int64_t interval_ms) {
  RdkafkaStats* none = nullptr;
  if (!g_route.compare_exchange_strong(none, &stats)) throw std::logic_error("a StatisticsRoute is already installed");
  g_interval_ms.store(interval_ms);
}

StatisticsRoute::~StatisticsRoute() { g_route.store(nullptr, std::memory_order_release); }

void attach_statistics(rd_kafka_conf_t* conf, const Properties& props) {
  if (!g_route.load(std::memory_order_acquire)) return;
  rd_kafka_conf_set_stats_cb(conf, &on_statistics);
  const int64_t interval = g_interval_ms.load();
  if (interval > 0 && !props.contains("statistics.interval.ms")) {
    set_property(conf, "metrics.kafka_statistics_interval_ms", "statistics.interval.ms", std::to_string(interval));
  }
}

void forget_statistics(const std::string& client_name) {
  if (RdkafkaStats* stats = g_route.load(std::memory_order_acquire)) stats->forget(client_name);
}

}  // namespace newsflow::kafka
