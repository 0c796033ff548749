// Rebuild of the dedup index from the Kafka state topic (issue 5 target: 1,000,000 fingerprints
// in <= 10 s). Writes N synthetic fingerprint records (16 values, 13-byte ids, 10 % near copies)
// to a fresh compacted topic, then times DedupStateTopic::start — the start-up path of
// `newsflow run` in Kafka mode — into an empty stage. Deletes the topic afterwards.
//   dedup_state_bench BOOTSTRAP [RECORDS] [PARTITIONS]
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

#include "app/dedup_state.h"
#include "io/kafka/admin.h"
#include "io/kafka/kafka_sink.h"
#include "io/kafka/kafka_source.h"
#include "stages/dedup/dedup_stage.h"

using namespace newsflow;
using Clock = std::chrono::steady_clock;

static double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BOOTSTRAP [RECORDS] [PARTITIONS]\n", argv[0]);
    return 64;
  }
  const std::string bootstrap = argv[1];
  const uint64_t n = argc > 2 ? std::stoull(argv[2]) : 1'000'000;
  const int partitions = argc > 3 ? std::stoi(argv[3]) : 4;
  KafkaConfig kc;
  kc.bootstrap_servers = bootstrap;
  kc.topics.dedup_state = fmt::format("dedup-state-bench.{}", std::time(nullptr));
  kc.startup_timeout_ms = 60000;
  kafka::KafkaAdmin admin({{"bootstrap.servers", bootstrap}});
  admin.create_topics({{kc.topics.dedup_state, partitions, {{"cleanup.policy", "compact"}}}});
  const auto consumer = kafka::consumer_properties(bootstrap, "dedup-state-bench", {});
  const auto producer = kafka::producer_properties(bootstrap, {{"linger.ms", "50"}});

  dedup::DedupConfig cfg;
  cfg.index.max_entries = n;
  const auto t0 = Clock::now();
  {
    kafka::StateTopicProducer out(producer, kc.topics.dedup_state);
    dedup::StreamFingerprintLog log(out.append_fn(), nullptr);
    std::mt19937_64 rng(11);
    dedup::FingerprintRecord r;
    r.origin = 42;
    r.sketch_id = cfg.index.sketch.id();
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    const int64_t base = now - static_cast<int64_t>(n) * 10;  // all inside the 72 h window
    for (uint64_t i = 0; i < n; ++i) {
      r.id = fmt::format("syn-{:09}", i);
      const bool dup = i > 10 && rng() % 10 == 0;
      r.root_id = dup ? fmt::format("syn-{:09}", i - 1 - rng() % 10) : std::string();
      r.first_seen_ms = r.fp.time_ms = base + static_cast<int64_t>(i) * 10;
      r.fp.text_hash = rng();
      r.fp.url_hash = rng() | 1;
      r.fp.has_sketch = true;
      r.fp.signature_len = static_cast<uint8_t>(cfg.index.sketch.signature);
      for (int k = 0; k < cfg.index.sketch.signature; ++k) r.fp.sig[static_cast<size_t>(k)] = static_cast<uint16_t>(rng());
      log.append(r);
    }
    if (!out.flush(std::chrono::minutes(5)) || out.failed() > 0) {
      std::fprintf(stderr, "writing the state topic failed (%lld failed)\n", static_cast<long long>(out.failed()));
      return 74;
    }
  }
  const double write_s = std::chrono::duration<double>(Clock::now() - t0).count();

  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<dedup::DedupStage>(cfg));
  auto* stage = static_cast<dedup::DedupStage*>(stages.front().get());
  const double c1 = cpu_seconds();
  const auto t1 = Clock::now();
  auto state = DedupStateTopic::start(stages, kc, consumer, producer);
  const double rebuild_s = std::chrono::duration<double>(Clock::now() - t1).count();
  const double rebuild_cpu = cpu_seconds() - c1;
  state->stop();
  admin.delete_topics({kc.topics.dedup_state});
  std::printf("wrote %llu records to %s (%d partitions) in %.2f s; rebuilt an index of %zu entries from the topic in "
              "%.2f s wall, %.2f s CPU (process: consumer threads included)\n",
              static_cast<unsigned long long>(n), kc.topics.dedup_state.c_str(), partitions, write_s,
              stage->index().size(), rebuild_s, rebuild_cpu);
  std::printf("{\"records\":%llu,\"index_entries\":%zu,\"rebuild_seconds\":%.3f,\"rebuild_cpu_seconds\":%.3f}\n",
              static_cast<unsigned long long>(n), stage->index().size(), rebuild_s, rebuild_cpu);
  return stage->index().size() == n ? 0 : 1;
}
