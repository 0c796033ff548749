// The process-wide Prometheus registry and the metric families the graph and I/O share.
// Names follow docs/conventions: newsflow_ prefix, base units, counters end in _total.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "metrics/nlp_metrics.h"

namespace newsflow {

class Metrics {
 public:
  Metrics();

  prometheus::Registry& registry() { return *registry_; }
  // Extra collectors (process stats, librdkafka statistics) scraped alongside the registry.
  void add_collectable(std::shared_ptr<prometheus::Collectable> c);
  // The Prometheus text exposition of everything registered.
  std::string scrape() const;

  // Per-stage instruments, created once per stage by the graph adapter.
  struct StageInstruments {
    prometheus::Counter* ok;
    prometheus::Counter* error;
    prometheus::Counter* skipped;
    prometheus::Histogram* duration;
    prometheus::Gauge* queue_depth;
  };
  StageInstruments stage(std::string_view name);

  prometheus::Counter& dlq(ErrorCode code);
  prometheus::Counter& input_records() { return *input_records_; }
  prometheus::Counter& input_bytes() { return *input_bytes_; }
  prometheus::Counter& blank_lines() { return *blank_lines_; }
  prometheus::Counter& output_records(std::string_view route);
  prometheus::Gauge& in_flight() { return *in_flight_; }
  prometheus::Histogram& end_to_end_latency() { return *end_to_end_latency_; }
  // Observes now − timestamp_ms (wall clock) when the record timestamp is known (≥ 0).
  void observe_end_to_end(int64_t timestamp_ms);
  // newsflow_kafka_transactions_total{outcome}: one increment per transaction the Kafka run loop
  // commits or aborts (exactly-once mode); librdkafka's own txn state is newsflow_kafka_transaction_state.
  prometheus::Counter& transactions_committed() { return *transactions_committed_; }
  prometheus::Counter& transactions_aborted() { return *transactions_aborted_; }
  // NLP quality families, observed from annotations by the graph (never by the stages).
  NlpMetrics& nlp() { return *nlp_; }

  // Bucket boundaries shared by the latency histograms (seconds): 50 µs .. 10 s.
  static prometheus::Histogram::BucketBoundaries latency_buckets();

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
  prometheus::Family<prometheus::Counter>* stage_records_;
  prometheus::Family<prometheus::Histogram>* stage_duration_;
  prometheus::Family<prometheus::Gauge>* stage_queue_;
  prometheus::Family<prometheus::Counter>* dlq_;
  prometheus::Family<prometheus::Counter>* output_;
  prometheus::Counter* input_records_;
  prometheus::Counter* input_bytes_;
  prometheus::Counter* blank_lines_;
  prometheus::Gauge* in_flight_;
  prometheus::Histogram* end_to_end_latency_;
  prometheus::Counter* transactions_committed_;
  prometheus::Counter* transactions_aborted_;
  std::unique_ptr<NlpMetrics> nlp_;
};

}  // namespace newsflow
