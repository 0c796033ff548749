#include "app/print_config.h"

#include <yaml-cpp/yaml.h>

#include "io/kafka/redact.h"

namespace newsflow {
namespace {

// A copy of a stage section with the value of every secret-looking key redacted, at any depth.
YAML::Node redact_node(const YAML::Node& node) {
  if (node.IsMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      out[key] = kafka::is_secret_property(key) ? YAML::Node(std::string(kafka::kRedacted)) : redact_node(kv.second);
    }
    return out;
  }
  if (node.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& item : node) out.push_back(redact_node(item));
    return out;
  }
  return YAML::Clone(node);
}

void property_map(YAML::Emitter& e, const char* key, const std::map<std::string, std::string>& props) {
  e << YAML::Key << key << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : kafka::redacted(props)) e << YAML::Key << k << YAML::Value << v;
  e << YAML::EndMap;
}

}  // namespace

std::string print_config(const AppConfig& c, const StageSettings& stages) {
  YAML::Emitter e;
  e << YAML::Comment("effective configuration of " + c.source + " (secrets redacted)");
  e << YAML::BeginMap;
  e << YAML::Key << "limits" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "max_message_bytes" << YAML::Value << c.limits.max_message_bytes;
  e << YAML::Key << "max_depth" << YAML::Value << c.limits.max_depth;
  e << YAML::Key << "max_field_bytes" << YAML::Value << c.limits.max_field_bytes;
  e << YAML::Key << "max_in_flight" << YAML::Value << c.max_in_flight;
  e << YAML::EndMap;
  e << YAML::Key << "threads" << YAML::Value << c.threads;
  e << YAML::Key << "metrics" << YAML::Value << YAML::BeginMap << YAML::Key << "bind" << YAML::Value << c.metrics_bind
    << YAML::Key << "kafka_statistics_interval_ms" << YAML::Value << c.kafka_statistics_interval_ms << YAML::Key
    << "liveness_timeout_ms" << YAML::Value << c.liveness_timeout_ms << YAML::EndMap;
  e << YAML::Key << "log" << YAML::Value << YAML::BeginMap << YAML::Key << "level" << YAML::Value << c.log_level
    << YAML::Key << "format" << YAML::Value << c.log_format << YAML::EndMap;
  e << YAML::Key << "stages" << YAML::Value << YAML::Flow << c.stages;
  const KafkaConfig& k = c.kafka;
  e << YAML::Key << "kafka" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "bootstrap_servers" << YAML::Value << k.bootstrap_servers;
  e << YAML::Key << "group_id" << YAML::Value << k.group_id;
  e << YAML::Key << "processing_guarantee" << YAML::Value << k.processing_guarantee;
  e << YAML::Key << "startup_timeout_ms" << YAML::Value << k.startup_timeout_ms;
  e << YAML::Key << "shutdown_timeout_ms" << YAML::Value << k.shutdown_timeout_ms;
  e << YAML::Key << "instance_id" << YAML::Value << k.instance_id;
  e << YAML::Key << "transaction" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "id" << YAML::Value << k.transaction.id << YAML::Key << "max_records" << YAML::Value
    << k.transaction.max_records << YAML::Key << "interval_ms" << YAML::Value << k.transaction.interval_ms << YAML::Key
    << "max_aborts_per_record" << YAML::Value << k.transaction.max_aborts_per_record;
  e << YAML::EndMap;
  e << YAML::Key << "topics" << YAML::Value << YAML::BeginMap;
  e << YAML::Key << "input" << YAML::Value << k.topics.input << YAML::Key << "output" << YAML::Value << k.topics.output;
  e << YAML::Key << "duplicates" << YAML::Value << k.topics.duplicates << YAML::Key << "dlq" << YAML::Value << k.topics.dlq;
  e << YAML::Key << "dedup_state" << YAML::Value << k.topics.dedup_state;
  e << YAML::EndMap;
  property_map(e, "consumer", k.consumer);
  property_map(e, "producer", k.producer);
  e << YAML::EndMap;
  // Each stage's section as its factory read it: defaults, file and NEWSFLOW_* overrides.
  for (const auto& [name, node] : stages) e << YAML::Key << name << YAML::Value << redact_node(node);
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

}  // namespace newsflow
