// Throughput of the langid detector on ~4 KB articles, per body prefix, with and without the
// second-opinion model. Articles: LANGID_BENCH_DATA (JSONL with title/body or text, e.g. the BBC
// corpus or scripts/make_udhr_docs.py output), else ../shared/data/news/bbc-news.jsonl, else
// invented text. Bodies shorter than 4 KB are joined with the next ones.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/resources.h"
#include "stages/langid/detector.h"

namespace {
struct Doc {
  std::string title, body;
};

std::vector<Doc> load_docs() {
  const char* env = std::getenv("LANGID_BENCH_DATA");
  const std::string path = env ? env : newsflow::resource_path("../shared/data/news/bbc-news.jsonl").string();
  std::vector<Doc> docs;
  std::ifstream in(path);
  simdjson::dom::parser parser;
  std::string line;
  Doc cur;
  while (std::getline(in, line) && docs.size() < 2000) {
    simdjson::dom::element e;
    if (parser.parse(line).get(e)) continue;
    std::string_view title, body;
    if (e["title"].get(title)) title = {};
    if (e["body"].get(body) && e["text"].get(body)) continue;
    if (cur.title.empty()) cur.title = title;
    cur.body.append(body).append("\n\n");
    if (cur.body.size() >= 4000) docs.push_back(std::move(cur)), cur = {};
  }
  if (docs.empty()) {  // no corpus: invented text of the same size
    Doc d{"Stadtrat beschließt neuen Haushalt", {}};
    while (d.body.size() < 4000) d.body += "Der Stadtrat hat am Dienstag nach einer langen Debatte über den Nahverkehr den Haushalt beschlossen. ";
    docs.push_back(d);
  }
  return docs;
}

const std::vector<Doc>& docs() {
  static const std::vector<Doc> d = load_docs();
  return d;
}

void run(benchmark::State& state, bool model) {
  newsflow::langid::DetectorOptions o;
  o.body_prefix_bytes = static_cast<size_t>(state.range(0));
  if (!model) {  // CLD2 alone: neither the close-pair model nor the fallback
    o.model_path.clear();
    o.fallback_model_path.clear();
  }
  const newsflow::langid::Detector det(o);
  const auto& d = docs();
  size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const Doc& doc = d[i++ % d.size()];
    auto info = det.detect(doc.title, doc.body, {});
    benchmark::DoNotOptimize(info);
    bytes += doc.title.size() + doc.body.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["article_bytes"] = static_cast<double>(bytes) / static_cast<double>(state.iterations());
}

void BM_Langid(benchmark::State& s) { run(s, true); }
void BM_LangidCld2Only(benchmark::State& s) { run(s, false); }
}  // namespace

BENCHMARK(BM_Langid)->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Arg(1 << 20);
BENCHMARK(BM_LangidCld2Only)->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Arg(1 << 20);
BENCHMARK_MAIN();
