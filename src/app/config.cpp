#include "app/config.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "app/stage_registry.h"
#include "io/kafka/exactly_once.h"

namespace newsflow {

namespace {

// Deeper than any real config; also stops a self-referencing alias (`&a [*a]`, which yaml-cpp
// turns into a cyclic node) before it recurses the stack away (found by tests/fuzz/fuzz_config).
constexpr int kMaxConfigDepth = 32;

void interpolate_env_at(YAML::Node node, const std::string& path, int depth) {
  if (depth > kMaxConfigDepth) {
    throw ConfigError(fmt::format("{}: nested deeper than {} levels (or a recursive alias)", path.empty() ? "<root>" : path,
                                  kMaxConfigDepth));
  }
  if (node.IsMap()) {
    std::set<std::string> keys;  // yaml-cpp keeps a repeated key and reads the first: say so instead
    for (auto kv : node) {
      const std::string key = kv.first.as<std::string>();
      const std::string key_path = path.empty() ? key : path + "." + key;
      if (!keys.insert(key).second) throw ConfigError(fmt::format("{}: given twice", key_path));
      interpolate_env_at(kv.second, key_path, depth + 1);
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) interpolate_env_at(node[i], fmt::format("{}[{}]", path, i), depth + 1);
  } else if (node.IsScalar()) {
    const std::string& in = node.Scalar();
    if (in.find("${") == std::string::npos) return;
    static const std::regex var(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\})");
    std::string out;
    auto begin = std::sregex_iterator(in.begin(), in.end(), var);
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      const auto& m = *it;
      out.append(in, last, static_cast<size_t>(m.position()) - last);
      const char* value = std::getenv(m[1].str().c_str());
      if (value) {
        out += value;
      } else if (m[2].matched) {
        out += m[3].str();
      } else {
        throw ConfigError(fmt::format("{}: environment variable {} is not set (use ${{{}:-default}})", path, m[1].str(), m[1].str()));
      }
      last = static_cast<size_t>(m.position() + m.length());
    }
    out.append(in, last);
    node = out;
  }
}

}  // namespace

void interpolate_env(YAML::Node node, const std::string& path) { interpolate_env_at(node, path, 0); }

namespace {

AppConfig config_from_yaml(YAML::Node root, std::string source) {
  AppConfig cfg;
  cfg.source = std::move(source);
  try {
    interpolate_env(root);
    Settings top(root, "");

    Settings limits = top.section("limits");
    cfg.limits.max_message_bytes = static_cast<size_t>(limits.get_int("max_message_bytes", 1048576, 1, 1LL << 30));
    cfg.limits.max_depth = static_cast<size_t>(limits.get_int("max_depth", 64, 1, 100000));
    cfg.limits.max_field_bytes = static_cast<size_t>(limits.get_int("max_field_bytes", 1048576, 1, 1LL << 30));
    cfg.max_in_flight = static_cast<size_t>(limits.get_int("max_in_flight", 10000, 1, 10000000));
    limits.finish();

    cfg.threads = static_cast<int>(top.get_int("threads", 0, 0, 1024));

    Settings metrics = top.section("metrics");
    cfg.metrics_bind = metrics.get_string("bind", "");
    cfg.kafka_statistics_interval_ms = metrics.get_int("kafka_statistics_interval_ms", 5000, 0, 3600000);
    cfg.liveness_timeout_ms = metrics.get_int("liveness_timeout_ms", 60000, 0, 86400000);
    metrics.finish();

    Settings log = top.section("log");
    cfg.log_level = log.get_enum("level", "info", {"trace", "debug", "info", "warn", "error", "off"});
    cfg.log_format = log.get_enum("format", "text", {"text", "json"});
    log.finish();

    cfg.stages = top.get_string_list("stages", default_stage_names());
    if (const std::string error = stage_list_error(cfg.stages); !error.empty()) throw ConfigError("stages" + error);

    Settings kafka = top.section("kafka");
    cfg.kafka.bootstrap_servers = kafka.get_string("bootstrap_servers", cfg.kafka.bootstrap_servers);
    cfg.kafka.group_id = kafka.get_string("group_id", cfg.kafka.group_id);
    cfg.kafka.processing_guarantee = kafka.get_enum("processing_guarantee", "at_least_once", {"at_least_once", "exactly_once"});
    cfg.kafka.startup_timeout_ms = kafka.get_int("startup_timeout_ms", cfg.kafka.startup_timeout_ms, 100, 600000);
    cfg.kafka.shutdown_timeout_ms = kafka.get_int("shutdown_timeout_ms", cfg.kafka.shutdown_timeout_ms, 100, 600000);
    cfg.kafka.instance_id = kafka.get_string("instance_id", cfg.kafka.instance_id);
    Settings txn = kafka.section("transaction");
    cfg.kafka.transaction.id = txn.get_string("id", cfg.kafka.transaction.id);
    cfg.kafka.transaction.max_records = txn.get_int("max_records", cfg.kafka.transaction.max_records, 1, 10000000);
    cfg.kafka.transaction.interval_ms = txn.get_int("interval_ms", cfg.kafka.transaction.interval_ms, 1, 600000);
    cfg.kafka.transaction.max_aborts_per_record =
        txn.get_int("max_aborts_per_record", cfg.kafka.transaction.max_aborts_per_record, 1, 1000);
    txn.finish();
    Settings topics = kafka.section("topics");
    cfg.kafka.topics.input = topics.get_string("input", cfg.kafka.topics.input);
    cfg.kafka.topics.output = topics.get_string("output", cfg.kafka.topics.output);
    cfg.kafka.topics.duplicates = topics.get_string("duplicates", cfg.kafka.topics.duplicates);
    cfg.kafka.topics.dlq = topics.get_string("dlq", cfg.kafka.topics.dlq);
    cfg.kafka.topics.dedup_state = topics.get_string("dedup_state", cfg.kafka.topics.dedup_state);
    topics.finish();
    cfg.kafka.consumer = kafka.get_string_map("consumer");
    cfg.kafka.producer = kafka.get_string_map("producer");
    kafka.finish();
    if (cfg.kafka.processing_guarantee == "exactly_once") {  // conflicting client settings fail here, naming the key
      newsflow::kafka::Properties consumer = cfg.kafka.consumer, producer = cfg.kafka.producer;
      newsflow::kafka::apply_exactly_once(consumer, producer, cfg.kafka.consumer, "validate");
    }

    // Every stage section is checked by its factory, enabled or not, so a typo never hides.
    for (const auto& name : known_stage_names()) {
      cfg.stage_sections[name] = top.has(name) ? YAML::Clone(root[name]) : YAML::Node();
      (void)top.section(name);
    }
    top.finish();
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("{}: {}", cfg.source, e.what()));
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}: {}", cfg.source, e.what()));
  }
  return cfg;
}

}  // namespace

AppConfig load_config(const std::string& path) {
  if (path.empty()) return config_from_yaml(YAML::Node(), "<defaults>");
  if (!std::filesystem::exists(path)) throw ConfigError(fmt::format("{}: file not found", path));
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}:{}: invalid YAML: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return config_from_yaml(root, path);
}

AppConfig load_config_text(const std::string& yaml, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw ConfigError(fmt::format("{}:{}:{}: invalid YAML: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  return config_from_yaml(root, source);
}

}  // namespace newsflow
