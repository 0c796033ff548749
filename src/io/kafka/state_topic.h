// A compacted "state topic" (the dedup fingerprints on kafka.topics.dedup_state): every instance
// reads all of it at start-up, then follows it, and appends its own records. Bytes only: what the
// records mean is the caller's business (src/app/dedup_state.cpp binds it to the dedup stage).
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "io/kafka/kafka_config.h"

namespace newsflow::kafka {

// "Produce these bytes to the state topic": the append side. In at-least-once mode it is
// StateTopicProducer::append_fn(); in exactly-once mode the caller passes a function that produces
// through the transactional producer, inside the transaction that holds the outputs and offsets.
// Called from the (serial) dedup node; must not block for long.
using StateAppend = std::function<void(std::string_view key, std::string_view value)>;

// Handed one record at a time. Tombstones (null values) are not handed on, only counted.
using StateRecordFn = std::function<void(std::string_view key, std::string_view value)>;

// Its own idempotent producer for the state topic (at-least-once mode).
class StateTopicProducer {
 public:
  // `props`: the pipeline's producer properties (kafka.producer on top of the defaults). Throws ConfigError.
  StateTopicProducer(const Properties& props, std::string topic);
  ~StateTopicProducer();
  StateTopicProducer(const StateTopicProducer&) = delete;
  StateTopicProducer& operator=(const StateTopicProducer&) = delete;

  // Asynchronous; waits (polling) while the producer queue is full. A record that cannot be
  // queued or delivered is counted in failed() and logged (rate-limited): losing a state record
  // costs a missed duplicate, never an output.
  void produce(std::string_view key, std::string_view value);
  StateAppend append_fn() {
    return [this](std::string_view k, std::string_view v) { produce(k, v); };
  }
  // Waits for every queued record's delivery report. False on timeout.
  bool flush(std::chrono::milliseconds timeout);
  int64_t delivered() const { return delivered_.load(); }
  int64_t failed() const { return failed_.load(); }

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  void poll_loop();

  std::string topic_;
  HandlePtr rk_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> delivered_{0}, failed_{0};
  std::thread poller_;
};

struct StateReplayStats {
  int64_t records = 0;      // handed to the callback
  int64_t tombstones = 0;   // null values, skipped
  int32_t partitions = 0;
  std::map<int32_t, int64_t> end_offsets;  // high watermarks captured when replay() started
  double seconds = 0;
};

// Reads every partition of the topic with its own consumer (assign, no group membership, no
// commits): replay() from the beginning to the end offsets captured when it starts, then
// follow() on a background thread for everything after (other instances' records, and our own).
class StateTopicReader {
 public:
  // `props`: bootstrap and security settings (the pipeline's consumer properties are fine: the
  // group keys are replaced). Throws ConfigError.
  StateTopicReader(const Properties& props, std::string topic);
  ~StateTopicReader();
  StateTopicReader(const StateTopicReader&) = delete;
  StateTopicReader& operator=(const StateTopicReader&) = delete;

  // Blocks until every partition has been read up to its captured end offset. Throws ConfigError
  // when the topic does not exist, KafkaError when the broker does not answer within `timeout`
  // (for the metadata) or the read stalls for longer than `timeout`.
  StateReplayStats replay(const StateRecordFn& fn, std::chrono::milliseconds timeout);
  // Hands every later record to `fn` on a background thread until stop(). Call after replay().
  void follow(StateRecordFn fn);
  void stop();
  int64_t followed() const { return followed_.load(); }

 private:
  std::string topic_;
  HandlePtr rk_;
  rd_kafka_queue_t* queue_ = nullptr;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> followed_{0};
  std::thread follower_;
};

}  // namespace newsflow::kafka
