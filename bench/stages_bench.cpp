// Google Benchmark of every stage, one benchmark each, built through the same registry and config
// as `newsflow run` (config/newsflow.yaml, the committed models). Each stage sees what it sees in
// the graph: articles already annotated by the stages before it. Corpus: NEWSFLOW_BENCH_DATA (JSONL
// articles, e.g. the BBC corpus), else the bundled config/samples/articles.jsonl. Invalid lines are
// skipped. Figures: bench/RESULTS.md.
//
//   build/bench/stages_bench [--benchmark_filter=entities]
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/stage_registry.h"
#include "codec/article_parser.h"
#include "core/resources.h"

using namespace newsflow;

namespace {

std::vector<Article> load_corpus() {
  const char* env = std::getenv("NEWSFLOW_BENCH_DATA");
  const std::string path = env ? env : resource_path("config/samples/articles.jsonl").string();
  std::ifstream in(path, std::ios::binary);
  std::vector<Article> out;
  ArticleParser parser;
  for (std::string line; std::getline(in, line);) {
    Article a;
    a.record.value = std::move(line);
    a.record.value->reserve(a.record.value->size() + simdjson::SIMDJSON_PADDING);
    if (!parser.parse(a)) out.push_back(std::move(a));
  }
  return out;
}

const AppConfig& config() {
  static const AppConfig c = load_config(resource_path("config/newsflow.yaml").string());
  return c;
}

// The corpus as `stage` receives it: every configured stage before it has run.
std::vector<Article> inputs_of(const std::string& stage) {
  std::vector<Article> docs = load_corpus();
  std::vector<std::string> before;
  for (const auto& s : config().stages) {
    if (s == stage) break;
    before.push_back(s);
  }
  auto stages = make_stages(config(), before);
  for (auto& a : docs) {
    for (auto& s : stages) s->process(a);
  }
  return docs;
}

// Stateless stages: the same inputs again and again (the copy of the input is part of the loop:
// ~0.1 µs for a 2 KB article, noise next to any NLP stage).
void BM_Stage(benchmark::State& state, const std::string& name) {
  const std::vector<Article> docs = inputs_of(name);
  if (docs.empty()) return state.SkipWithError("no valid articles in the corpus");
  auto stages = make_stages(config(), {name});
  Stage& stage = *stages.front();
  int64_t bytes = 0;
  size_t i = 0;
  for (auto _ : state) {
    Article a = docs[i];
    stage.process(a);
    benchmark::DoNotOptimize(a);
    bytes += static_cast<int64_t>(a.title.size() + a.body.size());
    if (++i == docs.size()) i = 0;
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(state.iterations());
}

// Dedup is stateful: every iteration must be a new article or it short-circuits on an exact repeat.
// Replay k is the corpus with fresh ids, other URLs and an added dateline: a near duplicate, so the
// sketch, the index probe and the insertion all run.
void BM_Dedup(benchmark::State& state) {
  const std::vector<Article> docs = inputs_of("dedup");
  if (docs.empty()) return state.SkipWithError("no valid articles in the corpus");
  auto stages = make_stages(config(), {"dedup"});
  Stage& stage = *stages.front();
  std::vector<Article> variants;
  variants.reserve(20000);
  for (int k = 1; variants.size() < 20000; ++k) {
    for (const Article& d : docs) {
      Article a = d;
      a.id += "#r" + std::to_string(k);
      a.url += "/replay-" + std::to_string(k);
      a.body.insert(0, "REPLAY " + std::to_string(k) + " (newsflow) - ");
      variants.push_back(std::move(a));
    }
  }
  size_t i = 0;
  for (auto _ : state) {
    if (i == variants.size()) return state.SkipWithError("ran out of distinct variants");
    stage.process(variants[i++]);
  }
  state.SetItemsProcessed(state.iterations());
}

const bool registered = [] {
  for (const auto& name : config().stages) {
    if (name == "dedup") {
      benchmark::RegisterBenchmark("BM_Stage/dedup", BM_Dedup)->Iterations(10000)->Unit(benchmark::kMicrosecond);
    } else {
      benchmark::RegisterBenchmark(("BM_Stage/" + name).c_str(), BM_Stage, name)->Unit(benchmark::kMicrosecond);
    }
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
