#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "app/reload.h"
#include "app/run.h"
#include "app/shutdown.h"
#include "app/stage_registry.h"
#include "core/exit_codes.h"
#include "graph/pipeline.h"
#include "io/jsonl.h"
#include "metrics/http_server.h"
#include "metrics/metrics.h"

namespace newsflow {
namespace {

using Clock = std::chrono::steady_clock;

// Articles/s and count on stderr, once a second, only when stderr is a terminal.
class Progress {
 public:
  Progress() : enabled_(isatty(STDERR_FILENO) != 0), start_(Clock::now()), last_(start_) {}
  void tick(int64_t count) {
    if (!enabled_ || (count & 1023) != 0) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::seconds(1)) return;
    last_ = now;
    const double s = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\rnewsflow: %lld articles, %.0f articles/s   ", static_cast<long long>(count), count / s);
  }
  void done() {
    if (enabled_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  bool enabled_;
  Clock::time_point start_, last_;
};

}  // namespace

int run_jsonl(const AppConfig& config, const RunOptions& options) {
  Metrics metrics;
  Health health;
  health.stopping = &g_stop_requested;
  HttpServer http(metrics, health);
  if (!config.metrics_bind.empty()) {
    try {
      http.start(config.metrics_bind);
    } catch (const std::exception& e) {
      spdlog::error("metrics.bind: {}", e.what());
      return exit_code::config;
    }
    spdlog::info("metrics on http://{}/metrics", config.metrics_bind);
  }

  auto stages = make_stages(config, config.stages);
  std::vector<Stage*> live_stages;
  for (auto& s : stages) live_stages.push_back(s.get());

  std::optional<JsonlSource> source;
  try {
    source.emplace(options.input);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return exit_code::no_input;
  }
  const std::string dlq_path = options.dlq.empty() ? default_dlq_path(options.output) : options.dlq;
  std::optional<JsonlSink> sink;
  try {
    sink.emplace(options.output, dlq_path);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return exit_code::cant_create;
  }

  const auto start = Clock::now();
  int64_t in = 0;
  Progress progress;
  int rc = exit_code::ok;
  {
    Pipeline pipeline(PipelineOptions{config.limits, config.max_in_flight, config.threads}, std::move(stages), *sink, metrics);
    LiveReload live_reload(config, live_stages);  // SIGHUP; stopped before the pipeline goes
    health.ready.store(true);
    // Blank lines are counted as they are read, so a scrape during the run sees them.
    int64_t blank_lines_counted = 0;
    auto count_blank_lines = [&] {
      const int64_t now = source->blank_lines();
      if (now != blank_lines_counted) metrics.blank_lines().Increment(static_cast<double>(now - blank_lines_counted));
      blank_lines_counted = now;
    };
    try {
      Record record;
      while (!g_stop_requested.load() && source->next(record)) {
        count_blank_lines();
        metrics.input_records().Increment();
        metrics.input_bytes().Increment(static_cast<double>(record.value->size()));
        pipeline.submit(std::move(record));
        progress.tick(++in);
      }
    } catch (const std::exception& e) {
      if (!g_stop_requested.load()) {
        spdlog::error("{}", e.what());
        rc = exit_code::io_error;
      }
    }
    count_blank_lines();  // the ones after the last record
    health.ready.store(false);
    if (g_stop_requested.load()) {
      spdlog::info("stopping: draining {} articles in flight (a second signal exits at once)", pipeline.in_flight());
    }
    try {
      pipeline.drain();
      sink->close();
    } catch (const std::exception& e) {
      spdlog::error("{}", e.what());
      rc = exit_code::io_error;
    }
  }
  progress.done();

  const double secs = std::chrono::duration<double>(Clock::now() - start).count();
  const auto& c = sink->counts();
  // Through the logger, so --log-format json keeps stderr one object per line.
  spdlog::info("newsflow: {} in, {} out, {} duplicates routed, {} dropped, {} dead letters{}{}, {} blank lines skipped, "
               "{:.2f} s, {:.0f} articles/s{}",
               in, c.output, c.duplicates, c.dropped, c.dead_letters, c.dead_letters ? " in " : "",
               c.dead_letters ? dlq_path : std::string(), source->blank_lines(), secs, secs > 0 ? in / secs : 0.0,
               g_stop_requested.load() ? " (interrupted)" : "");
  return rc;
}

}  // namespace newsflow
