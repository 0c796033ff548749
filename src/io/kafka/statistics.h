// librdkafka statistics (statistics.interval.ms) into RdkafkaStats (src/metrics/rdkafka_stats.h):
// the whole hook the Kafka clients need. librdkafka hands every callback of a handle the same
// opaque (the KafkaSource / KafkaSink object), so the stats callback cannot carry a pointer of its
// own: the destination is process-wide, installed by a StatisticsRoute for the run's lifetime.
//
//   kafka::StatisticsRoute route(stats);                  // before the clients exist
//   props = with_statistics_interval(user_props, 5000);   // the user's own value wins
//   attach_statistics(conf);                              // on each client conf, before rd_kafka_new
//   forget_statistics(rd_kafka_name(rk));                 // once the handle is gone
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
// `stats`. At most one at a time (a second one throws std::logic_error). Destroy it only after
// the clients that report to it (declare it before them).
class StatisticsRoute {
 public:
  explicit StatisticsRoute(RdkafkaStats& stats);
  ~StatisticsRoute();
  StatisticsRoute(const StatisticsRoute&) = delete;
  StatisticsRoute& operator=(const StatisticsRoute&) = delete;
};

// `user` plus statistics.interval.ms = interval_ms, unless `user` sets it already (an explicit
// kafka.consumer / kafka.producer value wins, "0" turns them off for that client). interval_ms 0
// adds nothing (librdkafka's default: off).
Properties with_statistics_interval(Properties user, int64_t interval_ms);

// Sets the statistics callback on a client conf (before rd_kafka_new). Served on the thread that
// polls the handle; documents arriving without a StatisticsRoute are dropped.
void attach_statistics(rd_kafka_conf_t* conf);

// Drops a client's series (call when its handle is destroyed or will never be polled again).
void forget_statistics(const std::string& client_name);

}  // namespace newsflow::kafka
