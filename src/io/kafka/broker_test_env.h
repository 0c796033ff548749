// For tests against the real broker (ctest label kafka; tests/kafka/README.md): the bootstrap
// address from KAFKA_BOOTSTRAP, a skip without it, a failure without it under CI=true.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>

#define NEWSFLOW_KAFKA_BOOTSTRAP_OR_SKIP(var)                                                  \
  const char* var##_env = std::getenv("KAFKA_BOOTSTRAP");                                      \
  if (var##_env == nullptr || *var##_env == '\0') {                                            \
    const char* ci_env = std::getenv("CI");                                                    \
    if (ci_env != nullptr && std::string(ci_env) == "true") FAIL() << "CI=true but KAFKA_BOOTSTRAP is not set"; \
    GTEST_SKIP() << "KAFKA_BOOTSTRAP not set: run through tests/kafka/with-broker.sh";        \
  }                                                                                            \
  const std::string var = var##_env

namespace newsflow::kafka::testing {

// A topic (or group) name no other run uses: prefix.pid.microseconds.
inline std::string unique_name(const std::string& prefix) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count();
  return prefix + "." + std::to_string(getpid()) + "." + std::to_string(us);
}

}  // namespace newsflow::kafka::testing
