// `newsflow run` in Kafka mode: consumer group → graph → producer, at-least-once or exactly-once
// (one transactional producer per instance; offsets committed inside its transactions).
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>

#include "app/dedup_state.h"
#include "app/reload.h"
#include "app/run.h"
#include "app/shutdown.h"
#include "app/stage_registry.h"
#include "core/exit_codes.h"
#include "graph/pipeline.h"
#include "io/kafka/admin.h"
#include "io/kafka/exactly_once.h"
#include "io/kafka/kafka_sink.h"
#include "io/kafka/kafka_source.h"
#include "io/kafka/probe.h"
#include "io/kafka/statistics.h"
#include "metrics/http_server.h"
#include "metrics/metrics.h"
#include "metrics/rdkafka_stats.h"

namespace newsflow {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr const char* kDefaultMetricsBind = "127.0.0.1:9464";

}  // namespace

int run_kafka(const AppConfig& config) {
  const KafkaConfig& kc = config.kafka;
  const bool exactly_once = kc.processing_guarantee == "exactly_once";
  auto consumer_props = kafka::consumer_properties(kc.bootstrap_servers, kc.group_id, kc.consumer);
  auto producer_props = kafka::producer_properties(kc.bootstrap_servers, kc.producer);
  std::optional<kafka::TransactionOptions> txn_options;
  if (exactly_once) {
    const std::string txn_id = kafka::transactional_id(kc.transaction.id, kc.group_id, kc.instance_id);
    kafka::apply_exactly_once(consumer_props, producer_props, kc.consumer, txn_id);  // ConfigError: exit 78
    txn_options = kafka::TransactionOptions{};
    txn_options->max_records = kc.transaction.max_records;
    txn_options->interval = milliseconds(kc.transaction.interval_ms);
    txn_options->max_aborts_per_record = static_cast<int>(kc.transaction.max_aborts_per_record);
    spdlog::info("exactly-once: transactional.id {}", txn_id);
  }
  // A bad property fails start-up (78) before the broker probe, not after it.
  (void)kafka::make_conf(consumer_props, "kafka.consumer");
  (void)kafka::make_conf(producer_props, "kafka.producer");

  Metrics metrics;
  auto kafka_stats = std::make_shared<RdkafkaStats>();
  metrics.add_collectable(kafka_stats);  // once, before the HTTP server serves a scrape
  // Every metrics.kafka_statistics_interval_ms, unless kafka.consumer / kafka.producer set
  // statistics.interval.ms; the route outlives the clients declared below.
  kafka::StatisticsRoute stats_route(*kafka_stats, config.kafka_statistics_interval_ms);
  Health health;
  health.stopping = &g_stop_requested;  // /readyz 503 from the moment SIGTERM arrives
  health.stall_timeout_ns = config.liveness_timeout_ms * 1000000;
  HttpServer http(metrics, health);
  const std::string bind = config.metrics_bind.empty() ? kDefaultMetricsBind : config.metrics_bind;
  try {
    http.start(bind);
  } catch (const std::exception& e) {
    spdlog::error("metrics.bind: {}", e.what());
    return exit_code::config;
  }
  spdlog::info("metrics on http://{}/metrics", bind);

  const auto probe = kafka::kafka_reachable(consumer_props, milliseconds(kc.startup_timeout_ms));
  if (!probe.reachable) {
    spdlog::error("Kafka at {} not reachable within {} ms: {}", kc.bootstrap_servers, kc.startup_timeout_ms, probe.error);
    return exit_code::unavailable;
  }

  auto stages = make_stages(config, config.stages);
  // Dedup state (kafka.topics.dedup_state): the index is rebuilt from the whole topic before any
  // input is consumed. Exactly-once: each state record rides on its article and the sink produces
  // it in the same transaction as the output and the input offset.
  std::unique_ptr<DedupStateTopic> dedup_state;
  try {
    dedup_state = DedupStateTopic::start(stages, kc, consumer_props, producer_props, exactly_once);
  } catch (const kafka::KafkaError& e) {
    spdlog::error("dedup state: {}", e.what());
    return exit_code::unavailable;
  }
  std::vector<Stage*> live_stages;
  for (auto& s : stages) live_stages.push_back(s.get());
  kafka::PartitionOffsetTracker tracker;
  const size_t max_in_flight = std::max<size_t>(1, config.max_in_flight);
  const size_t buffer_cap = std::max<size_t>(max_in_flight, 1000);  // records fetched, not yet admitted
  // Records count from receipt to their delivery report: the graph plus the producer queue.
  const auto revoke_drain = milliseconds(std::min<int64_t>(10000, kc.shutdown_timeout_ms / 2));

  const kafka::KafkaSinkTopics sink_topics{kc.topics.output, kc.topics.duplicates, kc.topics.dlq,
                                           dedup_state ? kc.topics.dedup_state : ""};
  kafka::KafkaSink sink(producer_props, sink_topics, tracker, &metrics, kafka::kDefaultMaxOutputBytes, txn_options);
  if (exactly_once) {
    try {  // fences an older instance with the same transactional.id and aborts its open transaction
      sink.init_transactions(milliseconds(kc.startup_timeout_ms));
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      return exit_code::unavailable;
    }
  }
  std::optional<kafka::KafkaSource> source;
  source.emplace(consumer_props, kc.topics.input, tracker, revoke_drain);
  if (exactly_once) {
    source->set_transactional([&](const std::vector<kafka::TopicPartition>& tps, bool lost) {
      if (lost) return sink.abort_transaction(tps).rewind;  // their offsets can no longer be sent
      auto group = source->group_metadata();
      return sink.commit_transaction(group.get(), tps).rewind;
    });
  }
  spdlog::info("consuming {} as group {}; output {}, duplicates {}, dead letters {}", kc.topics.input, kc.group_id,
               kc.topics.output, kc.topics.duplicates, kc.topics.dlq);

  const auto start = Clock::now();
  int64_t in = 0;
  int rc = exit_code::ok;
  std::string failure;
  {
    Pipeline pipeline(PipelineOptions{config.limits, max_in_flight, config.threads}, std::move(stages), sink, metrics);
    LiveReload live_reload(config, live_stages);  // SIGHUP; stopped before the pipeline goes
    auto last_store = Clock::now();
    try {
      Record record;
      while (!g_stop_requested.load()) {
        if (!sink.healthy()) break;
        const auto now = Clock::now();
        if (exactly_once && sink.commit_due(now)) {
          auto group = source->group_metadata();
          source->rewind(sink.commit_transaction(group.get()).rewind);  // rewinds only after an abort
        }
        if (now - last_store >= milliseconds(50)) {  // bookkeeping that takes locks: 20 times a second
          if (!exactly_once) source->store_completed();
          health.ready.store(source->assigned() && sink.healthy());
          const int64_t now_ns = steady_now_ns();
          health.beat(now_ns, pipeline.stalled_ns(now_ns));
          last_store = now;
        }
        // Admit buffered records while there is room; pause the partitions when there is none.
        while (tracker.in_flight() < max_in_flight && source->next(record)) {
          metrics.input_records().Increment();
          if (record.value) metrics.input_bytes().Increment(static_cast<double>(record.value->size()));
          pipeline.submit(std::move(record));  // never blocks long: the tracker bound is the tighter one
          ++in;
        }
        // Fetching goes on into a local buffer while the graph is full; only a full buffer pauses
        // the partitions (a pause drops librdkafka's prefetched data, so pausing on every full
        // graph would stall on re-fetches).
        const bool full = tracker.in_flight() >= max_in_flight;
        if (source->buffered() >= buffer_cap) {
          source->pause();
        } else if (source->paused() && source->buffered() <= buffer_cap / 2) {
          source->resume();
        }
        source->poll(full || source->paused() ? milliseconds(2) : milliseconds(100));
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!sink.healthy() && failure.empty()) failure = sink.failure();

    // Shutdown: readiness off, pause, drain, flush, commit, close — within the deadline.
    health.ready.store(false);
    spdlog::info("stopping: draining {} records in flight within kafka.shutdown_timeout_ms = {}{}", tracker.in_flight(),
                 kc.shutdown_timeout_ms, g_stop_requested.load() ? " (a second signal exits at once)" : "");
    const auto deadline = Clock::now() + milliseconds(kc.shutdown_timeout_ms);
    source->pause();
    sink.set_deadline(deadline - milliseconds(kc.shutdown_timeout_ms / 4));
    try {
      pipeline.drain();
    } catch (const std::exception& e) {
      if (failure.empty()) failure = e.what();
    }
    if (dedup_state && !dedup_state->flush(std::chrono::duration_cast<milliseconds>(deadline - Clock::now()) / 2)) {
      spdlog::warn("dedup state: not every fingerprint was delivered before the shutdown deadline");
    }
    if (!sink.flush(deadline - milliseconds(kc.shutdown_timeout_ms / 4))) {
      if (failure.empty()) failure = sink.healthy() ? "producer did not deliver everything before the shutdown deadline" : sink.failure();
    }
    if (!exactly_once) {
      source->commit_now();
    } else if (sink.healthy()) {
      try {  // the last transaction; an abort leaves its records to the next owner or restart
        auto group = source->group_metadata();
        sink.commit_transaction(group.get());
      } catch (const std::exception& e) {
        if (failure.empty()) failure = e.what();
      }
    }
    source->set_revoke_drain_timeout(milliseconds(100));  // whatever could finish has finished
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    source->close(std::max(left, milliseconds(100)));
    if (dedup_state) dedup_state->stop();  // the follower feeds the stage: stop it before the graph goes
  }
  source.reset();
  if (!failure.empty()) {
    spdlog::error("{}", failure);
    rc = exit_code::io_error;
  }

  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const auto& c = sink.counts();
  // The run's summary goes through the logger, so --log-format json keeps stderr one object per line.
  const std::string transactions =
      exactly_once ? fmt::format("; {} transactions committed, {} aborted, {} poison records dead-lettered",
                                 c.commits.load(), c.aborts.load(), c.poison.load())
                   : std::string();
  spdlog::info("newsflow: {} in, {} out, {} duplicates routed, {} dropped, {} dead letters, {:.2f} s, {:.0f} articles/s{}{}",
               in, c.output.load(), c.duplicates.load(), c.dropped.load(), c.dead_letters.load(), secs,
               secs > 0 ? in / secs : 0.0, g_stop_requested.load() ? " (stopped by signal)" : "", transactions);
  return rc;
}

}  // namespace newsflow
