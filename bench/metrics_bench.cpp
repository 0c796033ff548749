// Cost of the per-article metric work the graph adds: NLP quality observation from annotations
// (typical annotated article, and a bare one) and the end-to-end latency observation; and the
// librdkafka statistics bridge (one document every statistics.interval.ms, one Collect per scrape).
#include <benchmark/benchmark.h>
#include <prometheus/registry.h>

#include <string>

#include "metrics/metrics.h"
#include "metrics/nlp_metrics.h"
#include "metrics/rdkafka_stats.h"

using namespace newsflow;

namespace {

Article annotated() {
  Article a;
  a.dedup = DedupInfo{};
  a.language = LanguageInfo{"pt-BR", 0.97, true, {}};
  a.entities_done = true;
  const char* types[] = {"PER", "ORG", "LOC", "MISC"};
  for (int i = 0; i < 8; ++i) {
    Entity e;
    e.type = types[i % 4];
    if (i % 3 == 0) e.watchlist = WatchlistRef{i % 2 ? "politicians" : "companies", "1", "x"};
    e.sentiment = Sentiment{static_cast<Polarity>(i % 3), 0.1, 0.8};
    a.entities.push_back(e);
  }
  a.quotes_done = true;
  Quote q;
  q.targets.push_back(QuoteTarget{"x", Polarity::negative, -0.4});
  a.quotes.push_back(q);
  return a;
}

void BM_NlpObserveAnnotated(benchmark::State& state) {
  static prometheus::Registry registry;
  static NlpMetrics nlp(registry);
  const Article a = annotated();
  for (auto _ : state) nlp.observe(a);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NlpObserveAnnotated)->ThreadRange(1, 2);

void BM_NlpObserveBare(benchmark::State& state) {
  prometheus::Registry registry;
  NlpMetrics nlp(registry);
  const Article a;
  for (auto _ : state) nlp.observe(a);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NlpObserveBare);

void BM_EndToEndObserve(benchmark::State& state) {
  Metrics metrics;
  for (auto _ : state) metrics.observe_end_to_end(1790000000000);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EndToEndObserve);

// A consumer statistics document shaped like librdkafka's (STATISTICS.md), `parts` partitions.
std::string consumer_stats(int parts) {
  std::string j = R"({"name":"rdkafka#consumer-1","type":"consumer","ts":1,"msg_cnt":0,"msg_size":0,"msg_max":100000,)"
                  R"("tx":100,"txbytes":10000,"rx":100,"rxbytes":1000000,"txmsgs":0,"rxmsgs":50000,)"
                  R"("brokers":{"127.0.0.1:9092/1":{"name":"127.0.0.1:9092/1","nodeid":1,"source":"configured","state":"UP",)"
                  R"("req_timeouts":0,"rtt":{"min":100,"max":9000,"avg":450,"p50":400,"p99":2300,"cnt":40}}},)"
                  R"("topics":{"news.articles.raw":{"topic":"news.articles.raw","partitions":{)";
  for (int p = -1; p < parts; ++p) {
    if (p > -1) j += ",";
    j += "\"" + std::to_string(p) + R"(":{"partition":)" + std::to_string(p) +
         R"(,"fetchq_cnt":17,"committed_offset":1000,"hi_offset":1083,"consumer_lag":83,"app_offset":1050})";
  }
  j += R"(}}},"cgrp":{"state":"up","rebalance_cnt":3,"assignment_size":)" + std::to_string(parts) + "}}";
  return j;
}

void BM_RdkafkaStatsUpdate(benchmark::State& state) {
  RdkafkaStats stats;
  const std::string doc = consumer_stats(static_cast<int>(state.range(0)));
  if (!stats.update(doc) || stats.snapshot("rdkafka#consumer-1")->partitions.size() != static_cast<size_t>(state.range(0))) {
    state.SkipWithError("the synthetic statistics document does not parse as intended");
  }
  for (auto _ : state) benchmark::DoNotOptimize(stats.update(doc));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * doc.size()));
}
BENCHMARK(BM_RdkafkaStatsUpdate)->Arg(4)->Arg(64);

void BM_RdkafkaStatsCollect(benchmark::State& state) {
  RdkafkaStats stats;
  stats.update(consumer_stats(static_cast<int>(state.range(0))));
  for (auto _ : state) benchmark::DoNotOptimize(stats.Collect());
}
BENCHMARK(BM_RdkafkaStatsCollect)->Arg(4)->Arg(64);

}  // namespace

BENCHMARK_MAIN();
