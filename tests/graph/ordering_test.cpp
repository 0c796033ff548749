// Ordering under parallel stages (reliability plan, "per-key order with parallel stages"):
// 100,000 articles over 64 keys through two concurrent stages that delay each article by a
// random amount, with a serial stage between them and dead letters mixed in. Every key's output
// order must equal its input order: 0 violations, nothing lost or duplicated.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "graph/pipeline.h"
#include "metrics/metrics.h"

using namespace newsflow;

namespace {

constexpr int kArticles = 100000;
constexpr int kKeys = 64;

// Delays each article by a random amount, so concurrent articles finish out of order: mostly a
// short spin, sometimes a sleep of up to 300 µs (the slow outlier that others overtake).
class RandomDelayStage : public Stage {
 public:
  explicit RandomDelayStage(std::string name) : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  void process(Article& a) override {
    thread_local std::mt19937 rng(static_cast<uint32_t>(std::hash<std::thread::id>()(std::this_thread::get_id())));
    const uint32_t r = rng();
    if (r % 64 == 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(r % 300));
    } else {
      const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(r % 5000);
      while (std::chrono::steady_clock::now() < until) {
      }
    }
    a.title += '.';  // a visible change per stage
    ran.fetch_add(1, std::memory_order_relaxed);
  }
  std::atomic<int> ran{0};

 private:
  std::string name_;
};

// A stateful stage run serially (like dedup): checks it sees every key in input order too.
class SerialOrderCheck : public Stage {
 public:
  std::string_view name() const override { return "serial_check"; }
  bool concurrent() const override { return false; }
  void process(Article& a) override {
    if (a.record.sequence < last_) ++violations;
    last_ = a.record.sequence;
  }
  int violations = 0;

 private:
  uint64_t last_ = 0;
};

// Records, per key, the per-key input number of each delivered article (in delivery order).
class PerKeySink : public Sink {
 public:
  void deliver(Article& a) override {
    const std::string& key = *a.record.key;
    const auto n = static_cast<int64_t>(a.record.source_tag);
    auto& last = last_.try_emplace(key, -1).first->second;
    if (n <= last) ++violations;
    last = n;
    ++delivered;
    if (a.route == Route::dead_letter) ++dead;
  }
  int violations = 0;
  int delivered = 0;
  int dead = 0;

 private:
  std::map<std::string, int64_t> last_;
};

}  // namespace

TEST(Ordering, PerKeyOutputOrderEqualsInputOrderWithParallelStagesAndRandomDelays) {
  Metrics metrics;
  PerKeySink sink;
  std::vector<std::unique_ptr<Stage>> stages;
  auto first = std::make_unique<RandomDelayStage>("delay_a");
  auto serial = std::make_unique<SerialOrderCheck>();
  auto second = std::make_unique<RandomDelayStage>("delay_b");
  RandomDelayStage* a = first.get();
  SerialOrderCheck* s = serial.get();
  RandomDelayStage* b = second.get();
  stages.push_back(std::move(first));
  stages.push_back(std::move(serial));
  stages.push_back(std::move(second));

  std::mt19937 rng(42);
  std::vector<int64_t> next_per_key(kKeys, 0);
  int bad = 0;
  {
    Pipeline pipeline(PipelineOptions{Limits{}, 512, 4}, std::move(stages), sink, metrics);
    for (int i = 0; i < kArticles; ++i) {
      const int key = static_cast<int>(rng() % kKeys);
      Record r;
      r.key = "key-" + std::to_string(key);
      r.source_tag = static_cast<uint64_t>(next_per_key[key]++);  // the article's number within its key
      if (rng() % 100 == 0) {
        r.value = R"({"id":)";  // malformed: a dead letter, which must keep its place too
        ++bad;
      } else {
        r.value = R"({"id":"a)" + std::to_string(i) + R"(","title":"t","body":"b"})";
      }
      pipeline.submit(std::move(r));
    }
    pipeline.drain();
    // The stages belong to the pipeline: read them before it goes.
    EXPECT_EQ(s->violations, 0) << "the serial stage saw articles out of input order";
    EXPECT_EQ(a->ran.load(), kArticles - bad);
    EXPECT_EQ(b->ran.load(), kArticles - bad);
  }
  EXPECT_EQ(sink.delivered, kArticles);
  EXPECT_EQ(sink.dead, bad);
  EXPECT_EQ(sink.violations, 0) << "per-key order violations";
}
