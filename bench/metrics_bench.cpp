// Cost of the per-article metric work the graph adds: NLP quality observation from annotations
// (typical annotated article, and a bare one) and the end-to-end latency observation.
#include <benchmark/benchmark.h>
#include <prometheus/registry.h>

#include "metrics/metrics.h"
#include "metrics/nlp_metrics.h"

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

}  // namespace

BENCHMARK_MAIN();
