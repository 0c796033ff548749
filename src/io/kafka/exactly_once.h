// Client properties for processing_guarantee: exactly_once, on top of consumer_properties() and
// producer_properties(): a transactional producer whose message timeout is below its transaction
// timeout, a read_committed consumer that never commits by itself. Conflicting user settings
// are a ConfigError naming the key (never the value).
#pragma once

#include <string>

#include "io/kafka/kafka_config.h"

namespace newsflow::kafka {

// Defaults newsflow sets when the user's kafka.producer map does not.
inline constexpr int64_t kDefaultTransactionTimeoutMs = 20000;

// The host name: stable across restarts of one instance (a pod name, a VM), so a restarted
// instance's init_transactions fences its zombie and aborts the zombie's open transaction.
std::string default_instance_id();

// `configured` if set, else "<group>-<instance>" (instance "" = default_instance_id()).
std::string transactional_id(const std::string& configured, const std::string& group, const std::string& instance);

// `consumer` / `producer`: the merged properties; `user_consumer`: the kafka.consumer map as
// configured (newsflow's at-least-once defaults in `consumer` are replaced, not errors).
void apply_exactly_once(Properties& consumer, Properties& producer, const Properties& user_consumer,
                        const std::string& transactional_id);

}  // namespace newsflow::kafka
