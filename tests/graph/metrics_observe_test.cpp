// The graph, not the stages, owns metrics: NLP quality is read from annotations after the stages,
// end-to-end latency when the record timestamp is known, routes counted at the sink, standard
// per-stage metrics for every stage.
#include <gtest/gtest.h>

#include <chrono>
#include <sstream>

#include "graph/pipeline.h"
#include "metrics/metrics.h"

using namespace newsflow;

namespace {

class NullSink : public Sink {
 public:
  void deliver(Article&) override {}
};

// Annotates like a language detector would, from the title; "skip" leaves no annotation.
class FakeLangid : public Stage {
 public:
  std::string_view name() const override { return "fake_langid"; }
  void process(Article& a) override {
    if (a.title == "skip") return;
    a.language = LanguageInfo{a.title, 0.9, true, {}};
  }
};

double value_of(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l.rfind(series + " ", 0) == 0) return std::stod(l.substr(series.size() + 1));
  }
  return -1;
}

Record line(const std::string& json, int64_t timestamp_ms) {
  Record r;
  r.value = json;
  r.timestamp_ms = timestamp_ms;
  return r;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

TEST(MetricsObserve, AnnotationsEndToEndAndStageMetrics) {
  Metrics metrics;
  NullSink sink;
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<FakeLangid>());
  {
    Pipeline p(PipelineOptions{}, std::move(stages), sink, metrics);
    p.submit(line(R"({"id":"1","title":"fr"})", now_ms() - 2000));  // 2 s old
    p.submit(line(R"({"id":"2","title":"fr"})", -1));               // timestamp unknown
    p.submit(line(R"({"id":"3","title":"skip"})", now_ms()));
    p.submit(line(R"({"id":"4","title":"tlh"})", now_ms()));
    p.submit(line(R"({"broken)", now_ms()));                          // dead letter: nothing observed
    p.drain();
  }
  const auto t = metrics.scrape();
  EXPECT_EQ(value_of(t, R"(newsflow_articles_by_language_total{lang="fr"})"), 2) << t;
  EXPECT_EQ(value_of(t, R"(newsflow_articles_by_language_total{lang="other"})"), 1);
  EXPECT_EQ(value_of(t, R"(newsflow_articles_by_language_total{lang="und"})"), 0);
  // Three delivered articles had a timestamp; the one 2 s old lands above the 1 s bucket.
  EXPECT_EQ(value_of(t, "newsflow_end_to_end_latency_seconds_count"), 3);
  EXPECT_EQ(value_of(t, R"(newsflow_end_to_end_latency_seconds_bucket{le="1"})"), 2);
  EXPECT_GE(value_of(t, "newsflow_end_to_end_latency_seconds_sum"), 2.0);
  EXPECT_EQ(value_of(t, R"(newsflow_output_records_total{route="output"})"), 4);
  EXPECT_EQ(value_of(t, R"(newsflow_output_records_total{route="dead_letter"})"), 1);
  EXPECT_EQ(value_of(t, R"(newsflow_dlq_records_total{reason="malformed_json"})"), 1);
  for (std::string stage : {"parse", "fake_langid", "serialise"}) {
    EXPECT_GE(value_of(t, R"(newsflow_stage_records_total{outcome="ok",stage=")" + stage + R"("})"), 4) << stage;
    EXPECT_GE(value_of(t, R"(newsflow_stage_duration_seconds_count{stage=")" + stage + R"("})"), 4) << stage;
    EXPECT_EQ(value_of(t, R"(newsflow_stage_queue_depth{stage=")" + stage + R"("})"), 0) << stage;
  }
}
