// close_consumer against librdkafka's in-process mock cluster: the final revoke reaches the
// application's rebalance callback and the consumer leaves the group.
#include "io/kafka/consumer_close.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>

#include "io/kafka/kafka_config.h"
#include "io/kafka/mock_cluster_test_env.h"

namespace newsflow::kafka {
namespace {

struct Counts {
  std::atomic<int> assigned{0};
  std::atomic<int> revoked{0};
};

void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts, void* opaque) {
  auto* counts = static_cast<Counts*>(opaque);
  bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    counts->assigned += parts->cnt;
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts)) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, parts);
    }
  } else {
    counts->revoked += parts->cnt;
    if (cooperative) {
      if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts)) rd_kafka_error_destroy(e);
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  }
}

// Consumers subscribed to a topic of the mock cluster, with on_rebalance.
class ConsumerClose : public testing::MockClusterTest {
 protected:
  HandlePtr subscribed(const std::string& topic, const std::string& group, const char* strategy, Counts& counts) {
    Properties props = {{"bootstrap.servers", bootstrap_},
                        {"group.id", group},
                        {"partition.assignment.strategy", strategy},
                        {"auto.offset.reset", "earliest"},
                        {"log_level", "0"}};
    ConfPtr conf = make_conf(props, "kafka.consumer");
    rd_kafka_conf_set_opaque(conf.get(), &counts);
    rd_kafka_conf_set_rebalance_cb(conf.get(), on_rebalance);
    HandlePtr rk = make_client(RD_KAFKA_CONSUMER, std::move(conf), props, "kafka.consumer");
    rd_kafka_poll_set_consumer(rk.get());
    rd_kafka_topic_partition_list_t* sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, topic.c_str(), RD_KAFKA_PARTITION_UA);
    EXPECT_EQ(rd_kafka_subscribe(rk.get(), sub), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(sub);
    return rk;
  }
};

TEST_F(ConsumerClose, FinalRevokeReachesTheCallback) {
  create_topic("close.test", 3);
  for (const char* strategy : {"cooperative-sticky", "range"}) {
    Counts counts;
    HandlePtr rk = subscribed("close.test", std::string("close-test-") + strategy, strategy, counts);
    for (int i = 0; i < 300 && counts.assigned < 3; ++i) {
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100)) rd_kafka_message_destroy(m);
    }
    ASSERT_EQ(counts.assigned, 3) << strategy;

    EXPECT_EQ(close_consumer(rk.get(), std::chrono::seconds(30)), CloseResult::closed) << strategy;
    EXPECT_EQ(counts.revoked, 3) << strategy;
    EXPECT_TRUE(rd_kafka_consumer_closed(rk.get()));
  }
}

// Messages fetched but not yet polled are moved to the close queue. Serving that queue with
// rd_kafka_queue_poll_callback() hit librdkafka's "op must have been handled" assert on them
// (a CI abort); close_consumer must drop them instead (they were never begun, so never committed).
TEST_F(ConsumerClose, FetchedButUnpolledMessagesAreDroppedNotAsserted) {
  create_topic("close.fetched", 1);
  {
    Properties pprops = {{"bootstrap.servers", bootstrap_}, {"log_level", "0"}};
    HandlePtr producer = make_client(RD_KAFKA_PRODUCER, make_conf(pprops, "kafka.producer"), pprops, "kafka.producer");
    for (int i = 0; i < 500; ++i) {
      ASSERT_EQ(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("close.fetched"), RD_KAFKA_V_VALUE((void*)"x", 1),
                                  RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
                RD_KAFKA_RESP_ERR_NO_ERROR);
    }
    ASSERT_EQ(rd_kafka_flush(producer.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  Counts counts;
  HandlePtr rk = subscribed("close.fetched", "close-fetched", "range", counts);
  bool got_one = false;
  for (int i = 0; i < 300 && !got_one; ++i) {
    if (rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 100)) {
      got_one = m->err == RD_KAFKA_RESP_ERR_NO_ERROR;
      rd_kafka_message_destroy(m);
    }
  }
  ASSERT_TRUE(got_one);
  // The rest of that fetch is queued locally now.
  EXPECT_EQ(close_consumer(rk.get(), std::chrono::seconds(30)), CloseResult::closed);
  EXPECT_EQ(counts.revoked, 1);
}

}  // namespace
}  // namespace newsflow::kafka
