// Graph tests with a fake sink: ordering, DLQ routing, throwing stages, serial stages, bound.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "core/clock.h"
#include "graph/pipeline.h"
#include "metrics/metrics.h"

using namespace newsflow;

namespace {

class CollectingSink : public Sink {
 public:
  void deliver(Article& a) override {
    ids.push_back(a.route == Route::dead_letter ? "DLQ:" + (a.error ? std::string(to_string(a.error->code)) + "@" + a.error->stage : "?")
                                                : a.id);
    outputs.push_back(a.output);
    sequences.push_back(a.record.sequence);
  }
  std::vector<std::string> ids;
  std::vector<std::string> outputs;
  std::vector<uint64_t> sequences;
};

// Sleeps a random few microseconds so concurrent articles finish out of order.
class JitterStage : public Stage {
 public:
  std::string_view name() const override { return "jitter"; }
  void process(Article& a) override {
    thread_local std::mt19937 rng(std::hash<std::thread::id>()(std::this_thread::get_id()));
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 200));
    a.language = LanguageInfo{"en", 1.0, true, {}};
  }
};

class ThrowingStage : public Stage {
 public:
  std::string_view name() const override { return "thrower"; }
  void process(Article& a) override {
    if (a.id.find("boom") != std::string::npos) throw std::runtime_error("kaboom");
    if (a.id.find("typed") != std::string::npos) throw StageError(ErrorCode::output_too_large, "typed failure");
  }
};

// Records the order it sees articles in, and whether two ever overlap.
class SerialProbe : public Stage {
 public:
  std::string_view name() const override { return "probe"; }
  bool concurrent() const override { return false; }
  void process(Article& a) override {
    if (busy.exchange(true)) overlapped = true;
    seen.push_back(a.record.sequence);
    std::this_thread::sleep_for(std::chrono::microseconds(20));
    busy = false;
  }
  std::atomic<bool> busy{false};
  std::atomic<bool> overlapped{false};
  std::vector<uint64_t> seen;
};

Record rec(const std::string& json) {
  Record r;
  r.value = json;
  return r;
}

std::string article(int i) { return R"({"id":"a)" + std::to_string(i) + R"(","title":"t","body":"b"})"; }

}  // namespace

TEST(Pipeline, PreservesSubmissionOrderUnderParallelJitter) {
  Metrics metrics;
  CollectingSink sink;
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<JitterStage>());
  const int n = 2000;
  {
    Pipeline p({Limits{}, 64}, std::move(stages), sink, metrics);
    for (int i = 0; i < n; ++i) p.submit(rec(article(i)));
    p.drain();
  }
  ASSERT_EQ(sink.ids.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(sink.ids[i], "a" + std::to_string(i));
    ASSERT_EQ(sink.sequences[i], static_cast<uint64_t>(i));
  }
  EXPECT_NE(sink.outputs[0].find("\"language\":{\"code\":\"en\""), std::string::npos) << sink.outputs[0];
}

TEST(Pipeline, BadInputAndThrowingStagesBecomeDeadLettersAndTheGraphKeepsRunning) {
  Metrics metrics;
  CollectingSink sink;
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<ThrowingStage>());
  {
    Pipeline p({Limits{}, 8}, std::move(stages), sink, metrics);
    p.submit(rec(article(1)));
    p.submit(rec("{not json"));
    p.submit(rec(R"({"id":"boom-1","title":"t"})"));
    p.submit(rec(R"({"id":"typed-1","title":"t"})"));
    Record tomb;
    p.submit(std::move(tomb));
    p.submit(rec(article(2)));
    p.drain();
  }
  const std::vector<std::string> expected = {"a1", "DLQ:malformed_json@parse", "DLQ:stage_error@thrower",
                                             "DLQ:output_too_large@thrower", "DLQ:tombstone@parse", "a2"};
  EXPECT_EQ(sink.ids, expected);
  EXPECT_EQ(metrics.dlq(ErrorCode::malformed_json).Value(), 1);
  EXPECT_EQ(metrics.dlq(ErrorCode::stage_error).Value(), 1);
  EXPECT_EQ(metrics.stage("thrower").error->Value(), 2);
  EXPECT_EQ(metrics.stage("thrower").skipped->Value(), 2);  // the two parse failures skip the stage
  EXPECT_EQ(metrics.stage("thrower").ok->Value(), 2);
}

TEST(Pipeline, SerialStageSeesArticlesOneAtATimeInOrder) {
  Metrics metrics;
  CollectingSink sink;
  auto probe = std::make_unique<SerialProbe>();
  SerialProbe* raw = probe.get();
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<JitterStage>());
  stages.push_back(std::move(probe));
  stages.push_back(std::make_unique<JitterStage>());
  const int n = 500;
  Pipeline p({Limits{}, 100}, std::move(stages), sink, metrics);  // owns the probe
  for (int i = 0; i < n; ++i) p.submit(rec(article(i)));
  p.drain();
  EXPECT_FALSE(raw->overlapped.load());
  ASSERT_EQ(raw->seen.size(), static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) ASSERT_EQ(raw->seen[i], static_cast<uint64_t>(i));
}

TEST(Pipeline, InFlightNeverExceedsTheBound) {
  Metrics metrics;
  class SlowSink : public Sink {
   public:
    explicit SlowSink(Pipeline*& p) : p_(p) {}
    void deliver(Article&) override {
      max_seen = std::max(max_seen, p_->in_flight());
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    size_t max_seen = 0;
    Pipeline*& p_;
  };
  Pipeline* ptr = nullptr;
  SlowSink sink(ptr);
  Pipeline p({Limits{}, 16}, {}, sink, metrics);
  ptr = &p;
  for (int i = 0; i < 400; ++i) p.submit(rec(article(i)));
  EXPECT_LE(p.in_flight(), 16u);
  p.drain();
  EXPECT_LE(sink.max_seen, 16u);
  EXPECT_GT(sink.max_seen, 1u);
  EXPECT_EQ(p.in_flight(), 0u);
}

TEST(Pipeline, TrySubmitRefusesWhenFull) {
  Metrics metrics;
  class BlockingSink : public Sink {
   public:
    void deliver(Article&) override {
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::atomic<bool> release{false};
  } sink;
  Pipeline p({Limits{}, 4}, {}, sink, metrics);
  int accepted = 0;
  for (int i = 0; i < 10; ++i) {
    Record r = rec(article(i));
    if (p.try_submit(r)) ++accepted;
  }
  EXPECT_EQ(accepted, 4);
  sink.release = true;
  p.drain();
  Record r = rec(article(99));
  EXPECT_TRUE(p.try_submit(r));
  p.drain();
}

TEST(Pipeline, StalledTimeCountsOnlyWhileArticlesWaitWithoutProgress) {
  Metrics metrics;
  class GateStage : public Stage {
   public:
    std::string_view name() const override { return "gate"; }
    void process(Article&) override {
      while (!open.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::atomic<bool> open{false};
  };
  auto gate = std::make_unique<GateStage>();
  GateStage* g = gate.get();
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::move(gate));
  CollectingSink sink;
  Pipeline p({Limits{}, 16}, std::move(stages), sink, metrics);
  EXPECT_EQ(p.stalled_ns(steady_now_ns()), 0);  // empty graph: never stalled, however long it idles
  p.submit(rec(article(1)));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_GE(p.stalled_ns(steady_now_ns()), 40'000'000);  // held since submission, nothing finished
  g->open = true;
  p.drain();
  EXPECT_EQ(p.stalled_ns(steady_now_ns()), 0);
}

TEST(Pipeline, SinkFailureStopsSubmissionWithTheError) {
  Metrics metrics;
  class FailingSink : public Sink {
   public:
    void deliver(Article&) override { throw std::runtime_error("disk full"); }
  } sink;
  Pipeline p({Limits{}, 2}, {}, sink, metrics);
  EXPECT_THROW(
      {
        for (int i = 0; i < 100; ++i) p.submit(rec(article(i)));
        p.drain();
      },
      std::runtime_error);
}
