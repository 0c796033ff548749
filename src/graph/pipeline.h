// The oneTBB flow graph: parse/validate → stages → serialise → in-order sink, with a bounded
// number of articles in flight. Sources push records from their own thread with submit().
//
//   submit → [parse ∥] → ([sequencer] → [stage serial] | [stage ∥])* → [serialise ∥] → [sequencer] → [sink serial]
//
// Every article reaches the sink exactly once, in submission order, whatever happens to it on the
// way (a bad record or a throwing stage turns it into a dead letter; the graph keeps running).
#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "codec/limits.h"
#include "core/stage.h"
#include "graph/sink.h"

namespace newsflow {

class Metrics;

struct PipelineOptions {
  Limits limits;
  size_t max_in_flight = 10000;
  int threads = 0;  // graph worker threads; 0 = all cores
};

class Pipeline {
 public:
  Pipeline(PipelineOptions options, std::vector<std::unique_ptr<Stage>> stages, Sink& sink, Metrics& metrics);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Blocks while max_in_flight articles are in the graph. Throws if the sink has failed.
  void submit(Record record);
  // Non-blocking variant: returns false (record untouched) when the graph is full.
  bool try_submit(Record& record);
  size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  size_t max_in_flight() const { return options_.max_in_flight; }
  // Waits until every submitted article has been delivered; rethrows a sink failure.
  void drain();

  // CPU time spent inside each stage so far (by stage name; "parse" and "serialise" included).
  std::vector<std::pair<std::string, double>> stage_seconds() const;
  int threads() const { return options_.threads; }
  // How long the graph has held articles without delivering any (0 when empty), in steady-clock
  // nanoseconds at `now_ns`: the liveness watchdog's view of a stage that never returns.
  int64_t stalled_ns(int64_t now_ns) const;

 private:
  struct Impl;
  void enqueue(Record&& record);
  void rethrow_if_failed();

  PipelineOptions options_;
  std::atomic<size_t> in_flight_{0};
  std::atomic<bool> failed_{false};
  std::atomic<int64_t> last_progress_ns_{0};  // last delivery, or when the empty graph got work
  std::exception_ptr failure_;
  uint64_t next_sequence_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsflow
