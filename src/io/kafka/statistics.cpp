#include "io/kafka/statistics.h"

#include <atomic>
#include <stdexcept>
#include <string_view>

#include "metrics/rdkafka_stats.h"

namespace newsflow::kafka {
namespace {

std::atomic<RdkafkaStats*> g_route{nullptr};

int on_statistics(rd_kafka_t*, char* json, size_t len, void*) {
  if (RdkafkaStats* stats = g_route.load(std::memory_order_acquire)) stats->update(std::string_view(json, len));
  return 0;  // librdkafka frees json
}

}  // namespace

StatisticsRoute::StatisticsRoute(RdkafkaStats& stats) {
  RdkafkaStats* none = nullptr;
  if (!g_route.compare_exchange_strong(none, &stats)) throw std::logic_error("a StatisticsRoute is already installed");
}

StatisticsRoute::~StatisticsRoute() { g_route.store(nullptr, std::memory_order_release); }

Properties with_statistics_interval(Properties user, int64_t interval_ms) {
  if (interval_ms > 0) user.try_emplace("statistics.interval.ms", std::to_string(interval_ms));
  return user;
}

void attach_statistics(rd_kafka_conf_t* conf) { rd_kafka_conf_set_stats_cb(conf, &on_statistics); }

void forget_statistics(const std::string& client_name) {
  if (RdkafkaStats* stats = g_route.load(std::memory_order_acquire)) stats->forget(client_name);
}

}  // namespace newsflow::kafka
