#pragma once

#include <string>

#include "app/config.h"

namespace newsflow {

struct RunOptions {
  std::string input;   // JSONL file or "-"; empty = Kafka mode
  std::string output = "-";
  std::string dlq;     // empty = default_dlq_path(output)
};

// `newsflow run` in JSONL mode. Returns the process exit code.
int run_jsonl(const AppConfig& config, const RunOptions& options);
// `newsflow run` in Kafka mode (no --input): runs until SIGTERM/SIGINT. Returns the exit code.
int run_kafka(const AppConfig& config);

}  // namespace newsflow
