// PartitionOffsetTracker with a real consumer group (cooperative-sticky, manual offset store) on
// the real broker: positions committed while records complete out of order lose nothing across a
// consumer restart, and once everything is complete the committed offsets equal the end offsets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>

#include "io/kafka/admin.h"
#include "io/kafka/broker_test_env.h"
#include "io/kafka/consumer_close.h"
#include "io/kafka/offset_tracker.h"

namespace newsflow::kafka {
namespace {

constexpr int kPartitions = 4;
constexpr int kRecords = 2000;
using Position = std::pair<int32_t, int64_t>;

void store(rd_kafka_t* rk, const std::vector<CommitPosition>& positions) {
  if (positions.empty()) return;
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(positions.size()));
  for (const auto& c : positions) rd_kafka_topic_partition_list_add(list, c.tp.topic.c_str(), c.tp.partition)->offset = c.offset;
  EXPECT_EQ(rd_kafka_offsets_store(rk, list), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(list);
}

void commit_stored(rd_kafka_t* rk) {
  rd_kafka_resp_err_t err = rd_kafka_commit(rk, nullptr, 0);
  EXPECT_TRUE(err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) << rd_kafka_err2str(err);
}

// Rebalances drive the tracker the way the Kafka source will: assign → track; revoke → store and
// commit the final position; lost → forget.
void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* tracker = static_cast<PartitionOffsetTracker*>(opaque);
  bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < parts->cnt; ++i) tracker->assign({parts->elems[i].topic, parts->elems[i].partition});
    if (cooperative) {
      rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts);
      if (e) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, parts);
    }
    return;
  }
  bool lost = rd_kafka_assignment_lost(rk);
  std::vector<CommitPosition> final_positions;
  for (int i = 0; i < parts->cnt; ++i) {
    TopicPartition tp{parts->elems[i].topic, parts->elems[i].partition};
    if (lost) {
      tracker->lost(tp);
    } else if (auto pos = tracker->revoke(tp)) {
      final_positions.push_back({tp, *pos});
    }
  }
  store(rk, final_positions);
  if (!lost) commit_stored(rk);
  if (cooperative) {
    rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts);
    if (e) rd_kafka_error_destroy(e);
  } else {
    rd_kafka_assign(rk, nullptr);
  }
}

HandlePtr make_consumer(const std::string& bootstrap, const std::string& group, PartitionOffsetTracker& tracker) {
  Properties props = {{"bootstrap.servers", bootstrap},
                      {"group.id", group},
                      {"partition.assignment.strategy", "cooperative-sticky"},
                      {"auto.offset.reset", "earliest"},
                      {"enable.auto.commit", "false"},
                      {"enable.auto.offset.store", "false"},
                      {"enable.partition.eof", "true"}};
  ConfPtr conf = make_conf(props, "kafka.consumer");
  rd_kafka_conf_set_opaque(conf.get(), &tracker);
  rd_kafka_conf_set_rebalance_cb(conf.get(), on_rebalance);
  HandlePtr rk = make_client(RD_KAFKA_CONSUMER, std::move(conf), props, "kafka.consumer");
  rd_kafka_poll_set_consumer(rk.get());
  return rk;
}

void produce(const std::string& bootstrap, const std::string& topic) {
  Properties props = {{"bootstrap.servers", bootstrap}, {"enable.idempotence", "true"}, {"linger.ms", "5"}};
  HandlePtr p = make_client(RD_KAFKA_PRODUCER, make_conf(props, "kafka.producer"), props, "kafka.producer");
  for (int i = 0; i < kRecords; ++i) {
    std::string key = "article-" + std::to_string(i);
    ASSERT_EQ(rd_kafka_producev(p.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
                                RD_KAFKA_V_VALUE(key.data(), key.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_poll(p.get(), 0);
  }
  ASSERT_EQ(rd_kafka_flush(p.get(), 60000), RD_KAFKA_RESP_ERR_NO_ERROR);
}

// Consumes until every partition reports EOF. Each record is begun; `keep_incomplete` of them
// (chosen at random) are never completed, the rest complete in random order a few polls later.
// Positions are stored and committed along the way. Returns every position received.
std::set<Position> consume(const std::string& bootstrap, const std::string& group, const std::string& topic,
                           double keep_incomplete, std::set<Position>& incomplete) {
  PartitionOffsetTracker tracker;
  HandlePtr rk = make_consumer(bootstrap, group, tracker);
  rd_kafka_topic_partition_list_t* sub = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(sub, topic.c_str(), RD_KAFKA_PARTITION_UA);
  EXPECT_EQ(rd_kafka_subscribe(rk.get(), sub), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(sub);

  std::mt19937 rng(42);
  std::bernoulli_distribution keep(keep_incomplete);
  std::vector<OffsetTicket> pending;
  std::set<Position> received;
  std::set<int32_t> at_eof;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (at_eof.size() < static_cast<size_t>(kPartitions) && std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100);
    if (m != nullptr) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        at_eof.insert(m->partition);
      } else if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        at_eof.erase(m->partition);
        received.insert({m->partition, m->offset});
        OffsetTicket ticket;
        EXPECT_EQ(tracker.begin(topic, m->partition, m->offset, ticket), PartitionOffsetTracker::Begin::accepted);
        if (keep(rng)) {
          incomplete.insert({m->partition, m->offset});
        } else {
          pending.push_back(ticket);
        }
      } else {
        ADD_FAILURE() << rd_kafka_message_errstr(m);
      }
      rd_kafka_message_destroy(m);
    }
    // Delivery reports arrive out of order: complete a random half of what is pending.
    std::shuffle(pending.begin(), pending.end(), rng);
    for (size_t n = pending.size() / 2; n > 0; --n) {
      EXPECT_TRUE(tracker.complete(pending.back()));
      pending.pop_back();
    }
    store(rk.get(), tracker.take_commits());
  }
  EXPECT_EQ(at_eof.size(), static_cast<size_t>(kPartitions)) << "did not reach the end of every partition";
  for (const auto& ticket : pending) EXPECT_TRUE(tracker.complete(ticket));
  store(rk.get(), tracker.take_commits());
  commit_stored(rk.get());
  EXPECT_FALSE(tracker.assignment().empty());
  EXPECT_EQ(close_consumer(rk.get(), std::chrono::seconds(30)), CloseResult::closed);
  EXPECT_TRUE(tracker.assignment().empty()) << "the final revoke did not reach the rebalance callback";
  return received;
}

TEST(OffsetTrackerBroker, CommittedPositionsLoseNothingAcrossARestart) {
  NEWSFLOW_KAFKA_BOOTSTRAP_OR_SKIP(bootstrap);
  const std::string topic = testing::unique_name("newsflow.test.tracker");
  const std::string group = topic + ".group";
  KafkaAdmin admin({{"bootstrap.servers", bootstrap}});
  admin.create_topics({{topic, kPartitions, {}}});
  produce(bootstrap, topic);
  std::map<int32_t, int64_t> end = admin.end_offsets(topic);
  int64_t total = 0;
  for (const auto& [p, high] : end) total += high;
  ASSERT_EQ(total, kRecords);

  // First run: 5 % of the records never complete (a crash would lose their outputs).
  std::set<Position> incomplete;
  std::set<Position> first = consume(bootstrap, group, topic, 0.05, incomplete);
  EXPECT_EQ(first.size(), static_cast<size_t>(kRecords));
  ASSERT_FALSE(incomplete.empty());
  std::map<int32_t, int64_t> committed = admin.committed_offsets(group, topic);
  for (const auto& [p, high] : end) {
    auto oldest = std::find_if(incomplete.begin(), incomplete.end(), [p = p](const Position& x) { return x.first == p; });
    int64_t expected = oldest == incomplete.end() ? high : oldest->second;
    EXPECT_EQ(committed.count(p) ? committed[p] : 0, expected) << "partition " << p;
  }

  // Restart: the records that never completed come again; this time everything completes.
  std::set<Position> none;
  std::set<Position> second = consume(bootstrap, group, topic, 0.0, none);
  for (const auto& x : incomplete) EXPECT_TRUE(second.contains(x)) << "lost " << x.first << "/" << x.second;
  EXPECT_EQ(admin.committed_offsets(group, topic), end);

  admin.delete_topics({topic});
}

TEST(KafkaAdminBroker, CreatesTopicsWithConfigIdempotently) {
  NEWSFLOW_KAFKA_BOOTSTRAP_OR_SKIP(bootstrap);
  const std::string topic = testing::unique_name("newsflow.test.admin");
  KafkaAdmin admin({{"bootstrap.servers", bootstrap}});
  TopicSpec spec{topic, 3, {{"max.message.bytes", "8388608"}}};
  admin.create_topics({spec});
  admin.create_topics({spec});  // exists: fine
  EXPECT_EQ(admin.partition_count(topic), 3);
  EXPECT_EQ(admin.end_offsets(topic), (std::map<int32_t, int64_t>{{0, 0}, {1, 0}, {2, 0}}));
  EXPECT_TRUE(admin.committed_offsets(topic + ".nobody", topic).empty());
  admin.delete_topics({topic});
  admin.delete_topics({topic});  // gone: fine
}

}  // namespace
}  // namespace newsflow::kafka
