// Google Benchmark of the stance stage on an invented article (entities given), and of scoring one
// entity-sentence. Throughput figures for bench/RESULTS.md.
#include <benchmark/benchmark.h>

#include <cstring>
#include <filesystem>

#include "core/resources.h"
#include "stages/stance/sentiment.h"
#include "stages/stance/stance_stage.h"

using namespace newsflow;
using namespace newsflow::stance;

namespace {

std::shared_ptr<const SentimentModel> load_model() {
  const auto p = resource_path("config/models/sentiment-en.bin");
  if (!std::filesystem::exists(p)) return std::make_shared<const SentimentModel>(16);
  return std::make_shared<const SentimentModel>(SentimentModel::load(p.string()));
}

Article make_article() {
  Article a;
  a.id = "bench";
  a.title = "Norlux shares slide after Clara Voss criticises recall";
  a.body =
      "OSLO, May 4 — Shares in Norlux Energy fell 6 percent on Tuesday after Finance Minister Clara Voss said the "
      "company had failed its customers during the winter outage.\n\n"
      "\"Norlux let thousands of households down, and it must explain why,\" Voss told reporters in Oslo. "
      "\"We will look at every option,\" she added, \"including fines.\"\n\n"
      "Norlux chief executive Tom Kale said the firm \"deeply regrets\" the disruption. \"We have fixed the fault "
      "and we are compensating every customer,\" he said in a statement.\n\n"
      "Analysts at Brightwater Research said the so-called \"recovery plan\" was credible but costly, according "
      "to a note seen by reporters.";
  const std::pair<const char*, const char*> ents[] = {{"Norlux Energy", "ORG"}, {"Norlux", "ORG"}, {"Clara Voss", "PER"},
                                                      {"Voss", "PER"}, {"Tom Kale", "PER"}, {"Oslo", "LOC"},
                                                      {"OSLO", "LOC"}, {"Brightwater Research", "ORG"}};
  for (auto [name, type] : ents) {
    Entity e;
    e.text = name;
    e.canonical = name;
    e.type = type;
    for (Field f : {Field::title, Field::body}) {
      const std::string& t = f == Field::title ? a.title : a.body;
      for (size_t p = t.find(name); p != std::string::npos; p = t.find(name, p + 1))
        e.mentions.push_back(Span{f, static_cast<uint32_t>(p), static_cast<uint32_t>(p + std::strlen(name))});
    }
    a.entities.push_back(e);
  }
  return a;
}

void BM_StanceArticle(benchmark::State& state) {
  StanceAnnotator annot(load_model(), StanceOptions{});
  const Article base = make_article();
  for (auto _ : state) {
    Article a = base;
    annot.annotate(a);
    benchmark::DoNotOptimize(a.quotes.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(base.body.size() + base.title.size()));
}
BENCHMARK(BM_StanceArticle);

void BM_EntitySentence(benchmark::State& state) {
  SentimentScorer scorer(load_model());
  const std::string s = "Shares in Norlux Energy fell 6 percent on Tuesday after Finance Minister Clara Voss said the "
                        "company had failed its customers during the winter outage.";
  ScoreScratch scratch;
  std::vector<Word> toks;
  const ByteRange r{10, 23};
  for (auto _ : state) {
    toks.clear();
    tokenize(s, toks);
    benchmark::DoNotOptimize(scorer.score(toks, std::span<const ByteRange>(&r, 1), scratch));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EntitySentence);

}  // namespace

BENCHMARK_MAIN();
