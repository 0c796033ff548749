// The statistics hook on the real KafkaSource / KafkaSink, against librdkafka's in-process mock
// cluster: documents reach the RdkafkaStats while a route is installed, a handle's series go when
// it is destroyed, and the user's statistics.interval.ms wins over the route's interval.
#include "io/kafka/statistics.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "io/kafka/kafka_sink.h"
#include "io/kafka/kafka_source.h"
#include "io/kafka/mock_cluster_test_env.h"
#include "io/kafka/ticket.h"
#include "metrics/rdkafka_stats.h"

namespace newsflow::kafka {
namespace {

std::string exposition(const RdkafkaStats& stats) { return prometheus::TextSerializer().Serialize(stats.Collect()); }

bool mentions(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// A sample line of `family` whose labels contain `label`.
bool has_sample(const std::string& text, const std::string& family, const std::string& label) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l.starts_with(family + "{") && mentions(l, label)) return true;
  }
  return false;
}

// Polls `done` for up to 20 s (a bound for a loaded machine, not a speed check).
bool eventually(const std::function<bool()>& done, const std::function<void()>& step = [] {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    step();
  }
  return done();
}

class StatisticsOnMockCluster : public testing::MockClusterTest {
 protected:
  void SetUp() override {
    MockClusterTest::SetUp();
    create_topic("stats.in", 2);
    create_topic("stats.out", 1);
  }
  // Lag is known only once a partition has a position: give each partition of stats.in records.
  void produce_input(int per_partition) {
    char errstr[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_.c_str(), errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
    HandlePtr p(rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr));
    ASSERT_NE(p, nullptr) << errstr;
    const std::string value = R"({"id":"a","title":"t"})";
    for (int32_t part = 0; part < 2; ++part) {
      for (int i = 0; i < per_partition; ++i) {
        ASSERT_EQ(rd_kafka_producev(p.get(), RD_KAFKA_V_TOPIC("stats.in"), RD_KAFKA_V_PARTITION(part),
                                    RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
                  RD_KAFKA_RESP_ERR_NO_ERROR);
      }
    }
    ASSERT_EQ(rd_kafka_flush(p.get(), 20000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
};

// statistics.interval.ms of a conf made from `props` after attach_statistics().
std::string interval_of(const Properties& props) {
  ConfPtr conf = make_conf(props, "kafka.producer");
  attach_statistics(conf.get(), props);
  char buf[64] = "";
  size_t n = sizeof buf;
  EXPECT_EQ(rd_kafka_conf_get(conf.get(), "statistics.interval.ms", buf, &n), RD_KAFKA_CONF_OK);
  return buf;
}

TEST(StatisticsInterval, RouteDefaultUnlessThePropertiesSetIt) {
  EXPECT_EQ(interval_of({}), "0");  // no route: untouched (librdkafka's default, off)
  RdkafkaStats stats;
  StatisticsRoute route(stats, 5000);
  EXPECT_EQ(interval_of({{"acks", "all"}}), "5000");
  EXPECT_EQ(interval_of({{"statistics.interval.ms", "250"}}), "250");  // the user's value wins
  EXPECT_EQ(interval_of({{"statistics.interval.ms", "0"}}), "0");      // even "off"
}

TEST(StatisticsInterval, ZeroRouteIntervalLeavesThemOff) {
  RdkafkaStats stats;
  StatisticsRoute route(stats, 0);
  EXPECT_EQ(interval_of({}), "0");
  EXPECT_EQ(interval_of({{"statistics.interval.ms", "1000"}}), "1000");
}

TEST(StatisticsRoute, OnlyOneAtATime) {
  RdkafkaStats a, b;
  {
    StatisticsRoute route(a, 1000);
    EXPECT_THROW(StatisticsRoute second(b, 1000), std::logic_error);
  }
  StatisticsRoute again(b, 1000);  // the first one is gone: a new run may install its own
}

TEST_F(StatisticsOnMockCluster, ProducerStatisticsReachTheCollectorAndGoWithTheHandle) {
  RdkafkaStats stats;
  StatisticsRoute route(stats, 100);
  PartitionOffsetTracker tracker;
  {
    KafkaSink sink(producer_properties(bootstrap_, {{"client.id", "statsprod"}, {"log_level", "0"}}),
                   {"stats.out", "stats.out", "stats.out", ""}, tracker, nullptr);
    ASSERT_TRUE(eventually([&] { return mentions(exposition(stats), R"(client="statsprod#producer-)"); }));
    const auto text = exposition(stats);
    EXPECT_TRUE(mentions(text, "newsflow_kafka_producer_queue_max_messages{")) << text;
    EXPECT_TRUE(mentions(text, R"(type="producer")")) << text;
  }
  EXPECT_FALSE(mentions(exposition(stats), "statsprod#producer")) << "series of a destroyed producer are still exported";
}

TEST_F(StatisticsOnMockCluster, ConsumerLagPerAssignedPartitionAndForgottenOnClose) {
  produce_input(5);
  RdkafkaStats stats;
  StatisticsRoute route(stats, 100);
  PartitionOffsetTracker tracker;
  KafkaSource source(consumer_properties(bootstrap_, "stats-group", {{"client.id", "statscons"}, {"log_level", "0"}}),
                     "stats.in", tracker, std::chrono::milliseconds(100));
  auto both_lags = [&] {
    const auto text = exposition(stats);
    return has_sample(text, "newsflow_kafka_consumer_lag", R"(topic="stats.in",partition="0"})") &&
           has_sample(text, "newsflow_kafka_consumer_lag", R"(topic="stats.in",partition="1"})");
  };
  // librdkafka's consumer_lag is high watermark − committed offset: consume, complete, commit.
  Record record;
  auto consume = [&] {
    source.poll(std::chrono::milliseconds(50));
    while (source.next(record)) tracker.complete(decode_ticket(record));
    source.commit_now();
  };
  ASSERT_TRUE(eventually(both_lags, consume)) << exposition(stats);
  const auto text = exposition(stats);
  EXPECT_TRUE(mentions(text, R"(newsflow_kafka_assigned_partitions{client="statscons#consumer-)")) << text;
  EXPECT_TRUE(has_sample(text, "newsflow_kafka_committed_offset", R"(topic="stats.in",partition="1"})")) << text;
  EXPECT_TRUE(source.assigned());
  EXPECT_EQ(source.close(std::chrono::seconds(20)), CloseResult::closed);
  EXPECT_FALSE(mentions(exposition(stats), "statscons#consumer")) << "series of a closed consumer are still exported";
}

TEST_F(StatisticsOnMockCluster, UserIntervalZeroTurnsStatisticsOff) {
  RdkafkaStats stats;
  StatisticsRoute route(stats, 50);
  PartitionOffsetTracker tracker;
  KafkaSink sink(producer_properties(bootstrap_, {{"client.id", "quiet"}, {"statistics.interval.ms", "0"}}),
                 {"stats.out", "stats.out", "stats.out", ""}, tracker, nullptr);
  // A second producer on the route's interval: once it has reported a few times, the quiet one
  // had the time to.
  KafkaSink loud(producer_properties(bootstrap_, {{"client.id", "loud"}}),
                 {"stats.out", "stats.out", "stats.out", ""}, tracker, nullptr);
  ASSERT_TRUE(eventually([&] { return mentions(exposition(stats), R"(client="loud#producer-)"); }));
  // stats_updates_total counts documents: wait for a few more from the loud one.
  auto updates = [&] {
    const std::string name = "\nnewsflow_kafka_stats_updates_total ";
    const auto t = exposition(stats);
    const auto pos = t.find(name);
    return pos == std::string::npos ? 0.0 : std::stod(t.substr(pos + name.size()));
  };
  const double start = updates();
  ASSERT_TRUE(eventually([&] { return updates() >= start + 3; }));
  EXPECT_FALSE(mentions(exposition(stats), "quiet#producer")) << exposition(stats);
}

}  // namespace
}  // namespace newsflow::kafka
