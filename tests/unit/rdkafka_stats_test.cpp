// librdkafka statistics → Prometheus: parsed from hand-written documents in librdkafka's
// STATISTICS.md format (tests/unit/data), checked through the text exposition a scrape sees.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <fstream>
#include <sstream>

#include "metrics/rdkafka_stats.h"

using namespace newsflow;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(NEWSFLOW_SOURCE_DIR) + "/tests/unit/data/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string exposition(const RdkafkaStats& stats) { return prometheus::TextSerializer().Serialize(stats.Collect()); }

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

bool mentions(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

const std::string kConsumer = R"(client="newsflow#consumer-1",type="consumer")";
const std::string kProducer = R"(client="newsflow#producer-2",type="producer")";

}  // namespace

TEST(RdkafkaStats, ConsumerLagPerAssignedPartitionOnly) {
  RdkafkaStats stats;
  ASSERT_TRUE(stats.update(fixture("rdkafka_stats_consumer.json")));
  const auto text = exposition(stats);
  EXPECT_TRUE(has_line(text, "newsflow_kafka_consumer_lag{" + kConsumer + R"(,topic="news.articles.raw",partition="0"} 42)")) << text;
  // Partition 1 has lag -1 (unknown, not assigned); partition -1 is the internal UA partition.
  EXPECT_FALSE(mentions(text, R"(newsflow_kafka_consumer_lag{)" + kConsumer + R"(,topic="news.articles.raw",partition="1"})"));
  EXPECT_FALSE(mentions(text, R"(partition="-1")"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_committed_offset{" + kConsumer + R"(,topic="news.articles.raw",partition="0"} 1000)"));
  EXPECT_FALSE(mentions(text, R"(newsflow_kafka_committed_offset{)" + kConsumer + R"(,topic="news.articles.raw",partition="1"})"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_high_watermark_offset{" + kConsumer + R"(,topic="news.articles.raw",partition="0"} 1083)"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_fetch_queue_messages{" + kConsumer + R"(,topic="news.articles.raw",partition="0"} 17)"));
}

TEST(RdkafkaStats, BrokerRttInSecondsSkippingInternalAndUnsampled) {
  RdkafkaStats stats;
  ASSERT_TRUE(stats.update(fixture("rdkafka_stats_consumer.json")));
  const auto text = exposition(stats);
  EXPECT_TRUE(has_line(text, "newsflow_kafka_broker_rtt_avg_seconds{" + kConsumer + R"(,broker="localhost:9092/1"} 0.00045)")) << text;
  EXPECT_TRUE(has_line(text, "newsflow_kafka_broker_rtt_p99_seconds{" + kConsumer + R"(,broker="localhost:9092/1"} 0.0023)"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_broker_rtt_p99_seconds{" + kConsumer + R"(,broker="GroupCoordinator"} 0.00088)"));
  // No samples yet (cnt 0): no RTT rather than a fake 0.
  EXPECT_FALSE(mentions(text, R"(newsflow_kafka_broker_rtt_avg_seconds{)" + kConsumer + R"(,broker="127.0.0.1:9092/bootstrap"})"));
  EXPECT_FALSE(mentions(text, ":0/internal"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_broker_up{" + kConsumer + R"(,broker="localhost:9092/1"} 1)"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_broker_request_timeouts_total{" + kConsumer + R"(,broker="localhost:9092/1"} 2)"));
}

TEST(RdkafkaStats, ConsumerGroupAndTotals) {
  RdkafkaStats stats;
  ASSERT_TRUE(stats.update(fixture("rdkafka_stats_consumer.json")));
  const auto text = exposition(stats);
  EXPECT_TRUE(has_line(text, "newsflow_kafka_rebalances_total{" + kConsumer + "} 3")) << text;
  EXPECT_TRUE(has_line(text, "newsflow_kafka_assigned_partitions{" + kConsumer + "} 1"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_messages_consumed_total{" + kConsumer + "} 1058"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_received_bytes_total{" + kConsumer + "} 5402700"));
  EXPECT_TRUE(has_line(text, "# TYPE newsflow_kafka_rebalances_total counter"));
  // Producer-only families are absent for a consumer.
  EXPECT_FALSE(mentions(text, "newsflow_kafka_producer_queue_messages{"));
  EXPECT_FALSE(mentions(text, "newsflow_kafka_transaction_state{"));
}

TEST(RdkafkaStats, ProducerQueueAndTransactionState) {
  RdkafkaStats stats;
  ASSERT_TRUE(stats.update(fixture("rdkafka_stats_producer.json")));
  const auto text = exposition(stats);
  EXPECT_TRUE(has_line(text, "newsflow_kafka_producer_queue_messages{" + kProducer + "} 250")) << text;
  EXPECT_TRUE(has_line(text, "newsflow_kafka_producer_queue_bytes{" + kProducer + "} 512000"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_producer_queue_max_messages{" + kProducer + "} 100000"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_messages_produced_total{" + kProducer + "} 9000"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_transaction_state{" + kProducer + R"(,state="InTransaction"} 1)"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_broker_up{" + kProducer + R"(,broker="localhost:9092/1"} 0)"));
  EXPECT_FALSE(mentions(text, "newsflow_kafka_consumer_lag{"));
  EXPECT_FALSE(mentions(text, "newsflow_kafka_rebalances_total{"));
}

TEST(RdkafkaStats, LatestSnapshotPerClientAndBadInputKeepsIt) {
  RdkafkaStats stats;
  ASSERT_TRUE(stats.update(fixture("rdkafka_stats_consumer.json")));
  ASSERT_TRUE(stats.update(fixture("rdkafka_stats_producer.json")));
  auto newer = fixture("rdkafka_stats_consumer.json");
  const auto at = newer.find("\"consumer_lag\": 42");
  ASSERT_NE(at, std::string::npos);
  newer.replace(at, 18, "\"consumer_lag\": 7 ");
  ASSERT_TRUE(stats.update(newer));
  EXPECT_FALSE(stats.update("{\"name\": \"newsflow#consumer-1\", \"type\": "));  // truncated
  EXPECT_FALSE(stats.update("[]"));
  EXPECT_FALSE(stats.update(""));
  const auto text = exposition(stats);
  EXPECT_TRUE(has_line(text, "newsflow_kafka_consumer_lag{" + kConsumer + R"(,topic="news.articles.raw",partition="0"} 7)")) << text;
  EXPECT_TRUE(mentions(text, "newsflow_kafka_producer_queue_messages{" + kProducer + "} 250"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_stats_updates_total 3"));
  EXPECT_TRUE(has_line(text, "newsflow_kafka_stats_parse_errors_total 3"));
  ASSERT_TRUE(stats.snapshot("newsflow#consumer-1"));
  EXPECT_EQ(stats.snapshot("newsflow#consumer-1")->rebalance_cnt, 3);

  stats.forget("newsflow#consumer-1");
  const auto after = exposition(stats);
  EXPECT_FALSE(mentions(after, "newsflow#consumer-1"));
  EXPECT_TRUE(mentions(after, "newsflow#producer-2"));
}

TEST(RdkafkaStats, MissingSectionsAreFine) {
  RdkafkaStats stats;
  ASSERT_TRUE(stats.update(R"({"name":"rdkafka#consumer-9","type":"consumer","tx":5})"));
  const auto text = exposition(stats);
  EXPECT_TRUE(has_line(text, R"(newsflow_kafka_requests_sent_total{client="rdkafka#consumer-9",type="consumer"} 5)")) << text;
  EXPECT_FALSE(mentions(text, "newsflow_kafka_consumer_lag"));
}
