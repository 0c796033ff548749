// Start-up check: does the Kafka cluster answer at all? newsflow run exits with
// kExitBrokerUnavailable (69, EX_UNAVAILABLE) when it does not within a bounded wait.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "io/kafka/kafka_config.h"

namespace newsflow::kafka {

inline constexpr int kExitBrokerUnavailable = 69;

struct ProbeResult {
  bool reachable = false;
  int brokers = 0;     // brokers in the metadata answer
  std::string error;   // why not, for the log: librdkafka's last error, secrets scrubbed
};

// Requests cluster metadata with `props` (bootstrap.servers plus any security settings, i.e. the
// consumer's or producer's properties), waiting at most `timeout`. Never throws for an unreachable
// cluster; throws ConfigError for properties librdkafka rejects.
ProbeResult kafka_reachable(const Properties& props, std::chrono::milliseconds timeout);

// Same with only bootstrap.servers (a plaintext cluster).
ProbeResult kafka_reachable(std::string_view bootstrap, std::chrono::milliseconds timeout);

}  // namespace newsflow::kafka
