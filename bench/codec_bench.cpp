// Codec micro-benchmarks on a generated ~4 KB article: parse+validate, serialise, round trip.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <random>
#include <string>

#include "codec/article_parser.h"
#include "codec/article_writer.h"
#include "codec/json_writer.h"

using namespace newsflow;

namespace {

// A deterministic wire-style article of about `bytes` bytes with quotes, escapes and non-ASCII.
std::string make_article(size_t bytes) {
  static const char* words[] = {"the", "minister", "said", "on", "Tuesday", "that", "Zürich", "markets", "would",
                                "\"recover\"", "quickly", "after", "a", "volatile", "week", "in", "São", "Paulo", "and",
                                "Berlin", "analysts", "expected", "growth", "of", "2.5%", "this", "year"};
  std::mt19937 rng(42);
  std::string body;
  while (body.size() < bytes - 300) {
    body += words[rng() % (sizeof(words) / sizeof(words[0]))];
    body += (rng() % 40 == 0) ? ".\n\n" : " ";
  }
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("id").string("bench-0001").key("title").string("Markets steady as minister promises reform");
  w.key("body").string(body).key("url").string("https://news.example.com/markets/2026/11/28/reform?utm_source=x");
  w.key("source").string("Example Wire").key("published_at").string("2026-11-28T09:00:00Z");
  w.key("category").string("business").end_object();
  return out;
}

std::string padded(std::string s) {
  s.reserve(s.size() + simdjson::SIMDJSON_PADDING);
  return s;
}

void BM_Parse(benchmark::State& state) {
  const std::string json = padded(make_article(static_cast<size_t>(state.range(0))));
  ArticleParser parser;
  Article a;
  a.record.value = json;
  for (auto _ : state) {
    auto err = parser.parse(a);
    benchmark::DoNotOptimize(err);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}
BENCHMARK(BM_Parse)->Arg(4096)->Arg(2300);

void BM_Serialise(benchmark::State& state) {
  ArticleParser parser;
  Article a;
  a.record.value = padded(make_article(static_cast<size_t>(state.range(0))));
  if (parser.parse(a)) state.SkipWithError("parse failed");
  a.language = LanguageInfo{"en", 0.98, true, {{"en", 0.98}}};
  std::string out;
  for (auto _ : state) {
    out.clear();
    write_enriched(a, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * a.record.value->size()));
}
BENCHMARK(BM_Serialise)->Arg(4096);

void BM_ParseAndSerialise(benchmark::State& state) {
  const std::string json = padded(make_article(4096));
  ArticleParser parser;
  std::string out;
  for (auto _ : state) {
    Article a;
    a.record.value = json;
    if (parser.parse(a)) state.SkipWithError("parse failed");
    out.clear();
    write_enriched(a, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
  state.counters["articles_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseAndSerialise);

void BM_EscapeBody(benchmark::State& state) {
  const std::string body = make_article(4096);
  std::string out;
  for (auto _ : state) {
    out.clear();
    JsonWriter::escape(out, body);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_EscapeBody);

}  // namespace

BENCHMARK_MAIN();
