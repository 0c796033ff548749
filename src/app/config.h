// The application configuration: YAML file → validated AppConfig. Precedence: defaults < file <
// environment (NEWSFLOW_…) < command-line flags (applied by the caller).
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <string>
#include <vector>

#include "codec/limits.h"
#include "core/settings.h"

namespace newsflow {

struct KafkaTopics {
  std::string input = "news.articles.raw";
  std::string output = "news.articles.enriched";
  std::string duplicates = "news.articles.duplicates";
  std::string dlq = "news.articles.dlq";
  std::string dedup_state = "news.dedup.state";
};

// Exactly-once transactions (kafka.transaction).
struct KafkaTransactionConfig {
  std::string id;                  // transactional.id; "" = <group_id>-<instance_id>
  int64_t max_records = 5000;      // commit once the open transaction holds this many records
  int64_t interval_ms = 100;       // ... or once it is this old
  int64_t max_aborts_per_record = 3;  // then the record goes to the DLQ (delivery_failed)
};

struct KafkaConfig {
  std::string bootstrap_servers = "127.0.0.1:9092";
  std::string group_id = "newsflow";
  std::string processing_guarantee = "at_least_once";
  std::string instance_id;  // stable per instance across restarts; "" = the host name
  KafkaTransactionConfig transaction;
  KafkaTopics topics;
  std::map<std::string, std::string> consumer;  // librdkafka properties, verbatim
  std::map<std::string, std::string> producer;
  int64_t startup_timeout_ms = 10000;
  int64_t shutdown_timeout_ms = 25000;
};

struct AppConfig {
  Limits limits;
  size_t max_in_flight = 10000;
  int threads = 0;  // 0 = all cores
  std::string metrics_bind;  // empty = off
  int64_t kafka_statistics_interval_ms = 5000;  // librdkafka statistics.interval.ms default; 0 = off
  int64_t liveness_timeout_ms = 60000;  // Kafka mode: /livez 503 after this long hung or stuck; 0 = off
  std::string log_level = "info";
  std::string log_format = "text";
  std::vector<std::string> stages;
  KafkaConfig kafka;
  // Per-stage sections, validated by the stage factories.
  std::map<std::string, YAML::Node> stage_sections;
  std::string source;  // the file it was loaded from, or "<defaults>"
  std::vector<std::string> flag_keys;  // keys set by command-line flags ("log.level"): a reload keeps them
};

// Loads and validates a config file ("" = built-in defaults). Throws ConfigError naming the
// file and key path on any problem.
AppConfig load_config(const std::string& path);
// The same from YAML text (fuzzing, tests); `source` names it in errors.
AppConfig load_config_text(const std::string& yaml, const std::string& source);

// Replaces ${VAR} and ${VAR:-default} in every scalar. Throws ConfigError for an unset VAR
// without a default.
void interpolate_env(YAML::Node node, const std::string& path = "");

}  // namespace newsflow
