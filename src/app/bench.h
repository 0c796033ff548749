#pragma once

#include <string>

#include "app/config.h"

namespace newsflow {

struct BenchOptions {
  std::string input;
  int repeat = 1;
  std::string stages = "all";  // none | all | comma-separated list
  int threads = 0;             // 0 = all cores
  double rate = 0;             // articles/s offered (paced submission) for latency at a given load; 0 = as fast as possible
};

// In-memory throughput/latency of the graph over a corpus read once and replayed. Prints a
// readable report and, as the last stdout line, one JSON object. Returns the exit code.
int run_bench(const AppConfig& config, const BenchOptions& options);

}  // namespace newsflow
