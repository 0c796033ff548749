// librdkafka statistics (statistics.interval.ms) into RdkafkaStats (src/metrics/rdkafka_stats.h):
// the whole hook the Kafka clients need. librdkafka hands every callback of a handle the same
// opaque (the KafkaSource / KafkaSink object), so the stats callback cannot carry a pointer of its
// own: the destination is process-wide, installed by a StatisticsRoute for the run's lifetime.
//
//   kafka::StatisticsRoute route(stats, 5000);   // before the clients exist
//   attach_statistics(conf, props);              // each client, before rd_kafka_new
//   forget_statistics(rd_kafka_name(rk));        // once the handle is gone
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <string>

#include "io/kafka/kafka_config.h"

namespace newsflow {
class RdkafkaStats;
}

namespace newsflow::kafka {

// While alive, statistics documents of every client built with attach_statistics() go to
// `stats`, every `interval_ms` unless the client's own properties say otherwise (0 = off). At
// most one at a time (a second one throws std::logic_error). Destroy it only after the clients
// that report to it (declare it before them).
class StatisticsRoute {
 public:
  StatisticsRoute(RdkafkaStats& stats, int64_t interval_ms);
  ~StatisticsRoute();
  StatisticsRoute(const StatisticsRoute&) = delete;
  StatisticsRoute& operator=(const StatisticsRoute&) = delete;
};

// With a route installed: sets the statistics callback on a client conf (before rd_kafka_new) and
// statistics.interval.ms to the route's interval unless `props` (the properties the conf was made
// from: defaults plus the user's kafka.consumer / kafka.producer) set it — the user's value wins,
// "0" included. Without a route it does nothing. Documents are handled on the thread that polls
// the handle.
void attach_statistics(rd_kafka_conf_t* conf, const Properties& props);

// Drops a client's series (call when its handle is destroyed or will never be polled again).
void forget_statistics(const std::string& client_name);

}  // namespace newsflow::kafka
