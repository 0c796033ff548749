// Small admin operations over librdkafka: create/delete topics, end offsets, a group's committed
// offsets. Used by tests against the real broker (unique topics per test; "committed offsets =
// end offsets") and usable for start-up checks.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/kafka/kafka_config.h"

namespace newsflow::kafka {

class KafkaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Answers a broker gives for a moment right after a topic is created or a leader moves (not
// leader, leader not available, unknown partition while metadata propagates) or on a timeout:
// worth asking again.
bool transient_error(rd_kafka_resp_err_t err);

// rd_kafka_query_watermark_offsets, asked again after transient errors until `deadline`.
// Returns the last error (NO_ERROR on success).
rd_kafka_resp_err_t query_watermarks(rd_kafka_t* rk, const std::string& topic, int32_t partition, int64_t& low,
                                     int64_t& high, std::chrono::steady_clock::time_point deadline);

struct TopicSpec {
  std::string name;
  int partitions = 4;
  std::map<std::string, std::string> config;  // e.g. {"max.message.bytes", "8388608"}
};

class KafkaAdmin {
 public:
  // `props`: bootstrap.servers plus any security settings. Throws ConfigError for bad properties.
  KafkaAdmin(Properties props, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Creates the topics (replication factor: broker default); existing ones are left as they are.
  // Returns once every partition has a leader, so clients can use them at once.
  void create_topics(const std::vector<TopicSpec>& topics);
  void delete_topics(const std::vector<std::string>& names);  // missing ones are fine

  int partition_count(const std::string& topic);  // 0: no such topic
  // High watermark per partition.
  std::map<int32_t, int64_t> end_offsets(const std::string& topic);
  // Offsets committed by `group` per partition of `topic` (partitions without a commit are absent).
  std::map<int32_t, int64_t> committed_offsets(const std::string& group, const std::string& topic);

 private:
  Properties props_;
  std::chrono::milliseconds timeout_;
  HandlePtr rk_;
};

}  // namespace newsflow::kafka
