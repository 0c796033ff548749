// The dedup state on a real compacted topic (label kafka; tests/kafka/with-broker.sh): the state
// topic reader reads every partition to the end offsets captured at start; an instance restarted
// on the topic re-finds a duplicate of an article seen before the restart; two instances on the
// same topic find a copy of an article the other one saw. Drives DedupStateTopic::start, which
// is what `newsflow run` in Kafka mode calls.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "app/dedup_state.h"
#include "io/kafka/admin.h"
#include "io/kafka/broker_test_env.h"
#include "io/kafka/kafka_sink.h"
#include "io/kafka/kafka_source.h"
#include "io/kafka/state_topic.h"
#include "stages/dedup/dedup_stage.h"
#include "stages/dedup/tests/fixtures.h"

namespace newsflow {
namespace {

using namespace std::chrono_literals;
using newsflow::DedupInfo;
using dedup::test::make_article;

// Articles with their own words (no shared shingles between stories).
std::string story(int n) {
  std::string body;
  for (int s = 0; s < 40; ++s) {
    body += "Story" + std::to_string(n) + " sentence" + std::to_string(s) + " mentions harbour" +
            std::to_string(n * 100 + s) + " and council" + std::to_string(n * 7 + s) + ". ";
  }
  return body;
}

// A syndicated copy: a byline added and the last sentence dropped (a near duplicate).
std::string copy_of(const std::string& body) {
  return "By A. Reporter, Wire Service\n\n" + body.substr(0, body.rfind("Story", body.size() - 2));
}

class DedupStateBrokerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* env = std::getenv("KAFKA_BOOTSTRAP");
    if (env == nullptr || *env == '\0') {
      const char* ci = std::getenv("CI");
      if (ci != nullptr && std::string(ci) == "true") FAIL() << "CI=true but KAFKA_BOOTSTRAP is not set";
      GTEST_SKIP() << "KAFKA_BOOTSTRAP not set: run through tests/kafka/with-broker.sh";
    }
    bootstrap_ = env;
    kc_.bootstrap_servers = bootstrap_;
    kc_.topics.dedup_state = kafka::testing::unique_name("dedupstate");
    kc_.startup_timeout_ms = 30000;
    admin_ = std::make_unique<kafka::KafkaAdmin>(kafka::Properties{{"bootstrap.servers", bootstrap_}});
    admin_->create_topics({{kc_.topics.dedup_state, 3, {{"cleanup.policy", "compact"}}}});
  }
  void TearDown() override {
    if (admin_) admin_->delete_topics({kc_.topics.dedup_state});
  }

  struct Instance {
    std::vector<std::unique_ptr<Stage>> stages;
    std::unique_ptr<DedupStateTopic> state;
    dedup::DedupStage& stage() { return *static_cast<dedup::DedupStage*>(stages.front().get()); }
    DedupInfo process(Article a) {
      stage().process(a);
      return *a.dedup;
    }
  };
  std::unique_ptr<Instance> start_instance() {
    auto in = std::make_unique<Instance>();
    in->stages.push_back(std::make_unique<dedup::DedupStage>(dedup::DedupConfig{}));
    in->state = DedupStateTopic::start(in->stages, kc_, consumer_props(), producer_props());
    return in;
  }
  kafka::Properties consumer_props() const { return kafka::consumer_properties(bootstrap_, "dedup-state-test", {}); }
  kafka::Properties producer_props() const { return kafka::producer_properties(bootstrap_, {}); }

  std::string bootstrap_;
  KafkaConfig kc_;
  std::unique_ptr<kafka::KafkaAdmin> admin_;
};

TEST_F(DedupStateBrokerTest, ReplayReadsEveryPartitionToTheEndOffsetsOfTheStart) {
  kafka::StateTopicProducer producer(producer_props(), kc_.topics.dedup_state);
  std::set<std::string> written;
  for (int i = 0; i < 300; ++i) {
    const std::string key = "key-" + std::to_string(i);
    producer.produce(key, "value-" + std::to_string(i));
    written.insert(key);
  }
  ASSERT_TRUE(producer.flush(30s));
  ASSERT_EQ(producer.failed(), 0);
  EXPECT_EQ(producer.delivered(), 300);

  kafka::StateTopicReader reader(consumer_props(), kc_.topics.dedup_state);
  std::set<std::string> seen;
  const auto st = reader.replay(
      [&](std::string_view k, std::string_view v) {
        EXPECT_EQ(std::string(v), "value-" + std::string(k.substr(4)));
        seen.insert(std::string(k));
      },
      30s);
  EXPECT_EQ(st.partitions, 3);
  int64_t end_total = 0;
  for (const auto& [p, end] : st.end_offsets) {
    EXPECT_GT(end, 0) << "partition " << p << " got no record: keys are not spread";
    end_total += end;
  }
  EXPECT_EQ(end_total, 300);
  EXPECT_EQ(seen, written);

  // Records written after the replay reach the follower.
  std::atomic<int> followed{0};
  reader.follow([&](std::string_view, std::string_view) { ++followed; });
  for (int i = 0; i < 20; ++i) producer.produce("late-" + std::to_string(i), "v");
  ASSERT_TRUE(producer.flush(30s));
  for (int i = 0; i < 600 && followed.load() < 20; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(followed.load(), 20);
  reader.stop();
}

TEST_F(DedupStateBrokerTest, MissingTopicIsAConfigErrorNamingTheKey) {
  KafkaConfig kc = kc_;
  kc.topics.dedup_state = kafka::testing::unique_name("nosuchtopic");
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<dedup::DedupStage>(dedup::DedupConfig{}));
  try {
    DedupStateTopic::start(stages, kc, consumer_props(), producer_props());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("kafka.topics.dedup_state"), std::string::npos) << e.what();
  }
}

TEST_F(DedupStateBrokerTest, RestartRefindsADuplicateOfAnArticleSeenBeforeTheRestart) {
  const std::string body = story(1);
  {
    auto a = start_instance();
    EXPECT_EQ(a->stage().index().size(), 0u);
    EXPECT_EQ(a->process(make_article("first", "Harbour vote", body)).status, DedupInfo::Status::unique);
    EXPECT_EQ(a->process(make_article("other", "Council budget", story(2))).status, DedupInfo::Status::unique);
    ASSERT_TRUE(a->state->flush(30s));
    a->state->stop();
  }  // the "process" ends: its index is gone

  auto b = start_instance();
  EXPECT_EQ(b->stage().index().size(), 2u) << "index not rebuilt from the state topic";
  const DedupInfo near = b->process(make_article("copy", "Harbour vote (wire)", copy_of(body)));
  EXPECT_EQ(near.status, DedupInfo::Status::near_duplicate);
  EXPECT_EQ(near.duplicate_of, "first");
  const DedupInfo exact = b->process(make_article("again", "Harbour vote", body));
  EXPECT_EQ(exact.status, DedupInfo::Status::exact_duplicate);
  EXPECT_EQ(exact.duplicate_of, "first");
  // The original itself redelivered after the restart is still the original.
  const DedupInfo self = b->process(make_article("first", "Harbour vote", body));
  EXPECT_EQ(self.status, DedupInfo::Status::unique);
  EXPECT_EQ(self.cluster_id, "first");
  EXPECT_EQ(b->process(make_article("new", "Other news", story(3))).status, DedupInfo::Status::unique);
  b->state->stop();
}

TEST_F(DedupStateBrokerTest, TwoInstancesFindACrossInstanceCopy) {
  auto a = start_instance();
  auto b = start_instance();
  const std::string body = story(4);
  EXPECT_EQ(a->process(make_article("on-a", "Port strike", body)).status, DedupInfo::Status::unique);
  ASSERT_TRUE(a->state->flush(30s));
  // Wait (bounded) until B's follower has handed A's record over: the documented window.
  for (int i = 0; i < 600 && b->stage().remote_queued() == 0; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_EQ(b->stage().remote_queued(), 1u) << "B never received A's fingerprint";
  const DedupInfo d = b->process(make_article("on-b", "Port strike: wire copy", copy_of(body)));
  EXPECT_EQ(d.status, DedupInfo::Status::near_duplicate);
  EXPECT_EQ(d.duplicate_of, "on-a");
  EXPECT_EQ(d.cluster_id, "on-a");
  ASSERT_TRUE(b->state->flush(30s));

  // And back: A learns B's copy (it joined A's cluster), so a copy of the copy on A names on-a.
  for (int i = 0; i < 600 && a->stage().remote_queued() == 0; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_EQ(a->stage().remote_queued(), 1u);
  const DedupInfo d2 = a->process(make_article("on-a-2", "Port strike", copy_of(body) + " Extra line."));
  EXPECT_NE(d2.status, DedupInfo::Status::unique);
  EXPECT_EQ(d2.cluster_id, "on-a");
  a->state->stop();
  b->state->stop();
}

}  // namespace
}  // namespace newsflow
