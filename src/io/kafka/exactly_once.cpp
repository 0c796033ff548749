#include "io/kafka/exactly_once.h"

#include <unistd.h>

#include <climits>
#include <stdexcept>

namespace newsflow::kafka {
namespace {

int64_t int_property(const Properties& p, const std::string& where, const std::string& key, int64_t def) {
  auto it = p.find(key);
  if (it == p.end()) return def;
  try {
    size_t used = 0;
    const int64_t v = std::stoll(it->second, &used);
    if (used == it->second.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw ConfigError(where + "." + key + ": must be a positive integer (milliseconds)");
}

}  // namespace

std::string default_instance_id() {
  char host[HOST_NAME_MAX + 1] = "";
  if (gethostname(host, sizeof host) != 0 || host[0] == '\0') return "0";
  host[HOST_NAME_MAX] = '\0';
  return host;
}

std::string transactional_id(const std::string& configured, const std::string& group, const std::string& instance) {
  if (!configured.empty()) return configured;
  return group + "-" + (instance.empty() ? default_instance_id() : instance);
}

void apply_exactly_once(Properties& consumer, Properties& producer, const Properties& user_consumer,
                        const std::string& txn_id) {
  if (producer.contains("transactional.id")) {
    throw ConfigError("kafka.producer.transactional.id: set by newsflow in exactly_once mode; use kafka.transaction.id");
  }
  if (auto it = user_consumer.find("enable.auto.commit"); it != user_consumer.end() && it->second != "false") {
    throw ConfigError("kafka.consumer.enable.auto.commit: exactly_once commits offsets in transactions; remove it");
  }
  if (auto it = user_consumer.find("isolation.level"); it != user_consumer.end() && it->second != "read_committed") {
    throw ConfigError("kafka.consumer.isolation.level: exactly_once reads committed records only; remove it");
  }
  const int64_t txn_timeout = int_property(producer, "kafka.producer", "transaction.timeout.ms", kDefaultTransactionTimeoutMs);
  // delivery.timeout.ms is librdkafka's alias of message.timeout.ms.
  for (const char* key : {"message.timeout.ms", "delivery.timeout.ms"}) {
    if (producer.contains(key) && int_property(producer, "kafka.producer", key, 1) >= txn_timeout) {
      throw ConfigError(std::string("kafka.producer.") + key +
                        ": must be below kafka.producer.transaction.timeout.ms in exactly_once mode (a message "
                        "must fail before its transaction times out)");
    }
  }
  producer["transaction.timeout.ms"] = std::to_string(txn_timeout);
  if (!producer.contains("message.timeout.ms") && !producer.contains("delivery.timeout.ms")) {
    producer["message.timeout.ms"] = std::to_string(txn_timeout * 3 / 4);
  }
  producer["transactional.id"] = txn_id;
  consumer["enable.auto.commit"] = "false";
  consumer["isolation.level"] = "read_committed";
}

}  // namespace newsflow::kafka
