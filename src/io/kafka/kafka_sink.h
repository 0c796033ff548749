// The Kafka sink: enriched articles to the output (or duplicates) topic, dead letters to the DLQ
// topic with the original key/value/headers byte-for-byte plus Kafka Connect style error headers.
// Idempotent producer; a record's offset ticket completes only on its delivery report, so an
// offset is stored only once its output is durable. A permanently failed delivery is never
// completed: failure() turns non-empty and the run stops without storing past it.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "graph/sink.h"
#include "io/kafka/kafka_config.h"
#include "io/kafka/offset_tracker.h"

namespace newsflow {
class Metrics;
}

namespace newsflow::kafka {

struct KafkaSinkTopics {
  std::string output, duplicates, dlq;
};

// Enriched outputs above this go to the DLQ (output_too_large): Kafka's default topic
// max.message.bytes is 1048588, so a bigger message would be rejected by the broker anyway.
inline constexpr size_t kDefaultMaxOutputBytes = 1000000;

// The producer properties newsflow uses: defaults, then the user's kafka.producer map on top.
Properties producer_properties(const std::string& bootstrap, const Properties& user);

class KafkaSink : public Sink {
 public:
  using Clock = std::chrono::steady_clock;
  bool reports_delivery() const override { return true; }  // counted at the delivery report
  // Creates the producer and its poll thread (delivery reports). Throws ConfigError.
  KafkaSink(const Properties& props, KafkaSinkTopics topics, PartitionOffsetTracker& tracker, Metrics* metrics,
            size_t max_output_bytes = kDefaultMaxOutputBytes);
  ~KafkaSink() override;

  void deliver(Article& article) override;

  // Waits until every produced record has its delivery report. False on timeout.
  bool flush(Clock::time_point deadline);
  // After this, a produce blocked on a full queue gives up (throws) instead of waiting on.
  void set_deadline(Clock::time_point deadline);
  // Non-empty once a delivery failed permanently or the producer hit a fatal error.
  std::string failure() const;
  bool healthy() const { return !failed_.load(); }

  struct Counts {
    std::atomic<int64_t> output{0}, duplicates{0}, dropped{0}, dead_letters{0};
  };
  const Counts& counts() const { return counts_; }

  struct Delivery;  // one produced message until its delivery report

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  // True when requeued (queue full, retry_later). Throws on failure unless retry_later.
  bool produce_dead_letter(Delivery* d, bool retry_later);
  // Produces d; on QUEUE_FULL waits (back-pressure) until the deadline. Returns the error.
  rd_kafka_resp_err_t produce(Delivery* d, const std::string& topic, bool block);
  void poll_loop();
  void fail(const std::string& why);

  Properties props_;
  KafkaSinkTopics topics_;
  PartitionOffsetTracker& tracker_;
  Metrics* metrics_;
  size_t max_output_bytes_;
  HandlePtr rk_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<int64_t> deadline_ns_{INT64_MAX};
  mutable std::mutex mu_;
  std::string failure_;
  std::deque<Delivery*> retry_;  // outputs rejected as too large by the broker: re-sent as dead letters
  Counts counts_;
  std::thread poller_;
};

}  // namespace newsflow::kafka
