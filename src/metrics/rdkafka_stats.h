// librdkafka statistics (statistics.interval.ms) bridged into Prometheus. librdkafka hands its
// stats_cb a JSON document (format: librdkafka STATISTICS.md); prometheus-cpp counters cannot be
// set to an absolute value, so this is a custom Collectable: update() parses the JSON into a small
// snapshot per client handle, Collect() turns the latest snapshots into families at scrape time.
//
// Exported (labels: client = handle name, e.g. "rdkafka#consumer-1"; type = consumer|producer):
//   newsflow_kafka_consumer_lag{client,type,topic,partition}          (partition -1 and lag -1 skipped)
//   newsflow_kafka_committed_offset{…,topic,partition}                (only valid offsets ≥ 0)
//   newsflow_kafka_high_watermark_offset{…,topic,partition}
//   newsflow_kafka_fetch_queue_messages{…,topic,partition}
//   newsflow_kafka_broker_rtt_avg_seconds / _p99_seconds{…,broker}   (only brokers with samples)
//   newsflow_kafka_broker_up{…,broker}
//   newsflow_kafka_broker_request_timeouts_total{…,broker}
//   newsflow_kafka_producer_queue_messages / _bytes{client,type}       (msg_cnt / msg_size)
//   newsflow_kafka_producer_queue_max_messages{client,type}            (msg_max)
//   newsflow_kafka_requests_sent_total / responses_received_total / sent_bytes_total / received_bytes_total
//   newsflow_kafka_messages_produced_total / messages_consumed_total
//   newsflow_kafka_rebalances_total / assigned_partitions{client,type}  (consumer group)
//   newsflow_kafka_transaction_state{client,type,state}               (1 for the current state)
//   newsflow_kafka_stats_updates_total / stats_parse_errors_total
//
// consumer_lag is librdkafka's: high watermark − committed offset (-1 until a commit), so records
// newsflow has fetched but not yet committed count as lag.
//
// Wiring (Kafka mode, src/io/kafka/statistics.h): run_kafka registers one RdkafkaStats with
// Metrics::add_collectable() before the HTTP server starts and routes every client's stats_cb to
// it; KafkaSource / KafkaSink attach the callback to their conf and forget() their client name
// when the handle goes. The interval is metrics.kafka_statistics_interval_ms (default 5000) unless
// kafka.consumer / kafka.producer set statistics.interval.ms.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow {

class RdkafkaStats : public prometheus::Collectable {
 public:
  struct Partition {
    std::string topic;
    int32_t partition = -1;
    int64_t consumer_lag = -1;
    int64_t committed_offset = -1001;
    int64_t hi_offset = -1;
    int64_t fetchq_cnt = 0;
  };
  struct Broker {
    std::string name;  // "host:port/id"
    bool up = false;
    int64_t rtt_avg_us = 0;
    int64_t rtt_p99_us = 0;
    int64_t rtt_cnt = 0;
    int64_t req_timeouts = 0;
  };
  struct Snapshot {
    std::string name;  // handle name, unique per process
    std::string type;  // consumer | producer
    int64_t msg_cnt = 0, msg_size = 0, msg_max = 0;
    int64_t tx = 0, tx_bytes = 0, rx = 0, rx_bytes = 0, txmsgs = 0, rxmsgs = 0;
    std::vector<Broker> brokers;
    std::vector<Partition> partitions;
    bool has_cgrp = false;
    int64_t rebalance_cnt = 0;
    int64_t assignment_size = 0;
    std::optional<std::string> txn_state;  // eos.txn_state, when librdkafka reports it
  };

  // Feeds one stats JSON document (the stats_cb payload). Keeps the previous snapshot of that
  // client and returns false when the document cannot be parsed. Thread-safe.
  bool update(std::string_view json);
  // Drops a client's snapshot (call when its handle is destroyed).
  void forget(const std::string& client_name);
  // The latest snapshot of one client, for tests.
  std::optional<Snapshot> snapshot(const std::string& client_name) const;

  std::vector<prometheus::MetricFamily> Collect() const override;

  // Parses without touching any state (exposed for tests). nullopt on malformed input.
  static std::optional<Snapshot> parse(std::string_view json);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Snapshot> clients_;
  uint64_t updates_ = 0;
  uint64_t parse_errors_ = 0;
};

}  // namespace newsflow
