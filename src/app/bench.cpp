#include "app/bench.h"

#include <oneapi/tbb/info.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <thread>

#include "app/stage_registry.h"
#include "codec/json_writer.h"
#include "core/exit_codes.h"
#include "graph/pipeline.h"
#include "metrics/metrics.h"

namespace newsflow {
namespace {

using Clock = std::chrono::steady_clock;

// Records per-article latency (submit → delivery) and bytes; discards the output.
class LatencySink : public Sink {
 public:
  explicit LatencySink(std::vector<Clock::time_point>& submitted) : submitted_(submitted) {}
  void deliver(Article& a) override {
    latencies_.push_back(std::chrono::duration<double, std::milli>(Clock::now() - submitted_[a.record.sequence]).count());
    if (a.route == Route::dead_letter) ++dead_;
    if (a.dedup) ++dedup_[static_cast<size_t>(a.dedup->status)];
  }
  // Articles per dedup status (unique, exact, near), to show the replays did real dedup work.
  const std::array<int64_t, 3>& dedup() const { return dedup_; }
  std::vector<double>& latencies() { return latencies_; }
  int64_t dead() const { return dead_; }

 private:
  std::vector<Clock::time_point>& submitted_;
  std::vector<double> latencies_;
  int64_t dead_ = 0;
  std::array<int64_t, 3> dedup_{};
};

// Replay k of a record is a syndicated copy, not a byte-identical one: a fresh id, another outlet's
// URL and an added dateline in the body, so dedup hashes, sketches and probes its index for every replay (as it
// does for a real wire story) instead of short-circuiting on an exact repeat.
std::string replay_variant(const std::string& value, int k) {
  if (k == 0) return value;
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(value).get(obj)) return value;  // bad lines stay bad: the DLQ path is measured too
  const std::string tag = std::to_string(k);
  std::string out = "{";
  for (auto [key, val] : obj) {
    if (out.size() > 1) out += ',';
    out += '"';
    JsonWriter::escape(out, key);
    out += "\":";
    std::string_view s;
    if ((key == "id" || key == "body" || key == "url") && !val.get_string().get(s)) {
      out += '"';
      if (key == "body") out += "REPLAY " + tag + " (newsflow) - ";
      JsonWriter::escape(out, s);
      if (key == "id") out += "#r" + tag;
      if (key == "url") out += "/replay-" + tag;
      out += '"';
    } else {
      out += simdjson::minify(val);
    }
  }
  out += '}';
  return out;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int run_bench(const AppConfig& config, const BenchOptions& options) {
  std::ifstream in(options.input, std::ios::binary);
  if (!in) {
    spdlog::error("cannot open {}", options.input);
    return exit_code::data_file_error(options.input);
  }
  std::vector<std::string> corpus;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) corpus.push_back(std::move(line));
  }
  if (corpus.empty()) {
    spdlog::error("{}: no records", options.input);
    return exit_code::data_error;
  }

  // --stages was checked by the command line (stage_list_check in main.cpp).
  const std::vector<std::string> stage_names = options.stages == "all" ? config.stages : parse_stage_list(options.stages);

  // Prepare every record up front so the timed loop measures the graph, not the replay.
  std::vector<std::string> values;
  uint64_t bytes = 0;
  values.reserve(corpus.size() * static_cast<size_t>(options.repeat));
  for (int k = 0; k < options.repeat; ++k) {
    for (const auto& line : corpus) {
      values.push_back(replay_variant(line, k));
      values.back().reserve(values.back().size() + simdjson::SIMDJSON_PADDING);
      bytes += values.back().size();
    }
  }

  const int threads = options.threads > 0 ? options.threads : static_cast<int>(oneapi::tbb::info::default_concurrency());
  Metrics metrics;
  std::vector<Clock::time_point> submitted(values.size());
  LatencySink sink(submitted);
  sink.latencies().reserve(values.size());
  auto stages = make_stages(config, stage_names);

  const auto start = Clock::now();
  std::vector<std::pair<std::string, double>> stage_secs;
  {
    Pipeline pipeline(PipelineOptions{config.limits, config.max_in_flight, threads}, std::move(stages), sink, metrics);
    // Paced submission: article i is due at start + i / rate (no catch-up bursts beyond that).
    const auto interval = options.rate > 0 ? std::chrono::duration<double>(1.0 / options.rate) : std::chrono::duration<double>(0);
    for (size_t i = 0; i < values.size(); ++i) {
      Record r;
      r.value = std::move(values[i]);
      if (options.rate > 0) {
        std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i)));
      }
      submitted[i] = Clock::now();
      pipeline.submit(std::move(r));
    }
    pipeline.drain();
    stage_secs = pipeline.stage_seconds();
  }
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();

  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  const double rss_mb = static_cast<double>(ru.ru_maxrss) / 1024.0;
  auto& lat = sink.latencies();
  const double p50 = percentile(lat, 0.50), p99 = percentile(lat, 0.99);
  const double n = static_cast<double>(values.size());
  double total_stage = 0;
  for (const auto& [_, s] : stage_secs) total_stage += s;

  std::printf("corpus        %zu records × %d = %zu articles, %.1f MB\n", corpus.size(), options.repeat, values.size(), bytes / 1e6);
  if (options.rate > 0) std::printf("offered       %.0f articles/s (paced)\n", options.rate);
  std::printf("stages        %s (threads %d)\n", stage_names.empty() ? "none" : options.stages.c_str(), threads);
  std::printf("throughput    %.0f articles/s, %.1f MB/s (%.3f s)\n", n / secs, bytes / 1e6 / secs, secs);
  std::printf("latency       p50 %.3f ms, p99 %.3f ms (submit → delivery, in-flight bound %zu)\n", p50, p99, config.max_in_flight);
  std::printf("dead letters  %lld\n", static_cast<long long>(sink.dead()));
  if (const auto& d = sink.dedup(); d[0] + d[1] + d[2] > 0) {
    std::printf("dedup         %lld unique, %lld exact, %lld near duplicates\n", static_cast<long long>(d[0]),
                static_cast<long long>(d[1]), static_cast<long long>(d[2]));
  }
  std::printf("peak RSS      %.1f MB\n", rss_mb);
  for (const auto& [name, s] : stage_secs) std::printf("  %-12s %5.1f %% of stage CPU time\n", name.c_str(), total_stage > 0 ? 100 * s / total_stage : 0);

  std::string json;
  JsonWriter w(json);
  w.begin_object();
  w.key("articles_per_s").number(n / secs);
  w.key("mb_per_s").number(bytes / 1e6 / secs);
  w.key("p50_ms").number(p50);
  w.key("p99_ms").number(p99);
  w.key("rss_mb").number(rss_mb);
  w.key("threads").number(static_cast<int64_t>(threads));
  w.key("articles").number(static_cast<int64_t>(values.size()));
  w.key("stages").begin_object();
  for (const auto& [name, s] : stage_secs) w.key(name).number(total_stage > 0 ? s / total_stage : 0.0);
  w.end_object();
  w.end_object();
  std::printf("%s\n", json.c_str());
  return exit_code::ok;
}

}  // namespace newsflow
