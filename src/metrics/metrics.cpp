#include "metrics/metrics.h"

#include <librdkafka/rdkafka.h>
#include <prometheus/collectable.h>
#include <prometheus/text_serializer.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include "core/build_info.h"

namespace newsflow {
namespace {

// Process CPU and RSS, read at scrape time (prometheus-cpp has no process collector).
class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> out;
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    const double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    out.push_back(family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                         prometheus::MetricType::Counter, cpu));
    long pages = 0, resident = 0;
    std::ifstream statm("/proc/self/statm");
    statm >> pages >> resident;
    out.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes.", prometheus::MetricType::Gauge,
                         static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE))));
    return out;
  }

 private:
  static prometheus::MetricFamily family(const std::string& name, const std::string& help, prometheus::MetricType type, double v) {
    prometheus::MetricFamily f;
    f.name = name;
    f.help = help;
    f.type = type;
    prometheus::ClientMetric m;
    if (type == prometheus::MetricType::Counter) m.counter.value = v; else m.gauge.value = v;
    f.metric.push_back(m);
    return f;
  }
};

}  // namespace

prometheus::Histogram::BucketBoundaries Metrics::latency_buckets() {
  return {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  using namespace prometheus;
  auto& r = *registry_;
  BuildGauge().Name("newsflow_build_info").Help("Build information; always 1.").Register(r)
      .Add({{"version", NEWSFLOW_VERSION}, {"librdkafka", rd_kafka_version_str()}}).Set(1);
  stage_records_ = &BuildCounter().Name("newsflow_stage_records_total")
                        .Help("Articles handled by each stage, by outcome (ok, error, skipped).").Register(r);
  stage_duration_ = &BuildHistogram().Name("newsflow_stage_duration_seconds").Help("Time a stage spends on one article.").Register(r);
  stage_queue_ = &BuildGauge().Name("newsflow_stage_queue_depth").Help("Articles waiting for each stage.").Register(r);
  dlq_ = &BuildCounter().Name("newsflow_dlq_records_total").Help("Records sent to the dead-letter output, by reason.").Register(r);
  output_ = &BuildCounter().Name("newsflow_output_records_total").Help("Articles written, by route (output, duplicates, drop, dead_letter).").Register(r);
  input_records_ = &BuildCounter().Name("newsflow_input_records_total").Help("Records read from the input.").Register(r).Add({});
  input_bytes_ = &BuildCounter().Name("newsflow_input_bytes_total").Help("Bytes of record values read from the input.").Register(r).Add({});
  blank_lines_ = &BuildCounter().Name("newsflow_input_blank_lines_total").Help("Blank JSONL lines skipped.").Register(r).Add({});
  in_flight_ = &BuildGauge().Name("newsflow_in_flight_records").Help("Articles inside the graph (bounded by limits.max_in_flight).").Register(r).Add({});
  end_to_end_latency_ = &BuildHistogram().Name("newsflow_end_to_end_latency_seconds")
                             .Help("Output time minus the input record timestamp.").Register(r).Add({}, latency_buckets());
  auto& txn = BuildCounter().Name("newsflow_kafka_transactions_total")
                  .Help("Kafka transactions ended by the pipeline, by outcome (committed, aborted).").Register(r);
  transactions_committed_ = &txn.Add({{"outcome", "committed"}});
  transactions_aborted_ = &txn.Add({{"outcome", "aborted"}});
  nlp_ = std::make_unique<NlpMetrics>(r);
  collectables_.push_back(registry_);
  collectables_.push_back(std::make_shared<ProcessCollector>());
  // Pre-create every DLQ reason and route so dashboards show zeros instead of gaps.
  for (int c = 0; c <= static_cast<int>(ErrorCode::output_too_large); ++c) dlq(static_cast<ErrorCode>(c));
  for (auto route : {"output", "duplicates", "drop", "dead_letter"}) output_records(route);
}

Metrics::StageInstruments Metrics::stage(std::string_view name) {
  const std::string n(name);
  return StageInstruments{
      &stage_records_->Add({{"stage", n}, {"outcome", "ok"}}),
      &stage_records_->Add({{"stage", n}, {"outcome", "error"}}),
      &stage_records_->Add({{"stage", n}, {"outcome", "skipped"}}),
      &stage_duration_->Add({{"stage", n}}, latency_buckets()),
      &stage_queue_->Add({{"stage", n}}),
  };
}

void Metrics::add_collectable(std::shared_ptr<prometheus::Collectable> c) { collectables_.push_back(std::move(c)); }

std::string Metrics::scrape() const {
  std::vector<prometheus::MetricFamily> families;
  for (const auto& c : collectables_) {
    auto f = c->Collect();
    families.insert(families.end(), std::make_move_iterator(f.begin()), std::make_move_iterator(f.end()));
  }
  return prometheus::TextSerializer().Serialize(families);
}

void Metrics::observe_end_to_end(int64_t timestamp_ms) {
  if (timestamp_ms < 0) return;
  const int64_t now_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const int64_t age_us = now_us - timestamp_ms * 1000;
  // A producer clock ahead of ours would give a negative age: count it as zero, not as garbage.
  end_to_end_latency_->Observe(age_us > 0 ? static_cast<double>(age_us) * 1e-6 : 0.0);
}

prometheus::Counter& Metrics::dlq(ErrorCode code) { return dlq_->Add({{"reason", std::string(to_string(code))}}); }

prometheus::Counter& Metrics::output_records(std::string_view route) { return output_->Add({{"route", std::string(route)}}); }

}  // namespace newsflow
