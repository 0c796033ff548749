// KafkaSink in exactly-once mode against librdkafka's in-process mock cluster, with injected
// errors for each class: retriable (a commit that times out is called again and succeeds),
// abortable (a failed delivery or offset commit aborts and rewinds to the committed position; a
// record whose delivery keeps failing goes to the DLQ), fatal (fenced: the sink stops). The mock
// cluster writes no transaction markers: what a read_committed reader sees is checked against
// the real broker (tests/kafka/eos_test.py); here the high watermarks count what was produced.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <thread>

#include "io/kafka/exactly_once.h"
#include "io/kafka/kafka_sink.h"
#include "io/kafka/mock_cluster_test_env.h"
#include "io/kafka/ticket.h"
#include "metrics/metrics.h"

namespace newsflow::kafka {
namespace {

// Kafka protocol API keys (rdkafka_protocol.h is not installed).
constexpr int16_t kProduce = 0, kEndTxn = 26, kTxnOffsetCommit = 28;
const TopicPartition kIn{"in", 0};

struct GroupDeleter {
  void operator()(rd_kafka_consumer_group_metadata_t* g) const noexcept { rd_kafka_consumer_group_metadata_destroy(g); }
};

class TxnSinkTest : public testing::MockClusterTest {
 protected:
  void SetUp() override {
    MockClusterTest::SetUp();
    for (const char* t : {"in", "out", "dup", "dlq", "state"}) create_topic(t, 1);
    group_.reset(rd_kafka_consumer_group_metadata_new("g"));
    Properties rp = {{"bootstrap.servers", bootstrap_}, {"log_level", "0"}};
    reader_ = make_client(RD_KAFKA_PRODUCER, make_conf(rp, "reader"), rp, "reader");
  }

  void TearDown() override {
    sink_.reset();
    reader_.reset();
    MockClusterTest::TearDown();
  }

  void make_sink(TransactionOptions options = {}, Properties user = {}) {
    Properties consumer;
    user.insert({{"log_level", "0"}, {"linger.ms", "0"}});
    Properties producer = producer_properties(bootstrap_, user);
    apply_exactly_once(consumer, producer, {}, "newsflow-test");
    if (options.call_timeout == TransactionOptions{}.call_timeout) options.call_timeout = std::chrono::milliseconds(5000);
    sink_ = std::make_unique<KafkaSink>(producer, KafkaSinkTopics{"out", "dup", "dlq", "state"}, tracker_, &metrics_,
                                        kDefaultMaxOutputBytes, options);
    sink_->init_transactions(std::chrono::seconds(20));
    tracker_.assign(kIn);
  }

  // Begins input `offset` in the tracker and hands its enriched article to the sink.
  OffsetTicket deliver(int64_t offset) {
    OffsetTicket ticket;
    EXPECT_EQ(tracker_.begin(kIn.topic, kIn.partition, offset, ticket), PartitionOffsetTracker::Begin::accepted);
    deliver_ticket(ticket);
    return ticket;
  }
  void deliver_ticket(const OffsetTicket& ticket, std::string state_key = {}) {
    Article a;
    a.state_key = std::move(state_key);
    a.state_value = "fingerprint";
    a.record.position.topic = kIn.topic;
    a.record.position.partition = kIn.partition;
    a.record.position.offset = ticket.offset;
    a.record.value = "{\"id\":\"k\"}";
    a.record.source_tag = encode_ticket(ticket);
    a.id = "k" + std::to_string(ticket.offset);
    a.output = "{\"id\":\"" + a.id + "\"}";
    a.route = Route::output;
    sink_->deliver(a);
  }

  // Messages in a topic's log (committed or not: the mock cluster has no markers).
  int64_t produced(const char* topic) {
    int64_t lo = -1, hi = -1;
    EXPECT_EQ(rd_kafka_query_watermark_offsets(reader_.get(), topic, 0, &lo, &hi, 5000), 0);
    return hi;
  }

  void push_errors(int16_t api, std::initializer_list<rd_kafka_resp_err_t> errs) {
    std::vector<rd_kafka_resp_err_t> v(errs);
    rd_kafka_mock_push_request_errors_array(cluster_, api, v.size(), v.data());
  }

  HandlePtr reader_;  // a plain client of the mock cluster, for watermarks
  std::unique_ptr<rd_kafka_consumer_group_metadata_t, GroupDeleter> group_;
  PartitionOffsetTracker tracker_;
  Metrics metrics_;  // before sink_: the sink reports into it until it is destroyed
  std::unique_ptr<KafkaSink> sink_;
};

TEST(TxnErrorClass, UnclassifiedErrorsAreFatal) {
  rd_kafka_error_t* plain = rd_kafka_error_new(RD_KAFKA_RESP_ERR__FAIL, "neither retriable nor abortable");
  EXPECT_EQ(classify(plain), TxnErrorClass::fatal);
  rd_kafka_error_destroy(plain);
}

TEST_F(TxnSinkTest, CommitSendsTheProducedPrefixAndBeginsAgain) {
  make_sink();
  for (int64_t o = 0; o < 5; ++o) deliver(o);
  EXPECT_TRUE(sink_->commit_due(KafkaSink::Clock::now() + std::chrono::seconds(1)));
  TxnOutcome out = sink_->commit_transaction(group_.get());
  EXPECT_TRUE(out.committed);
  EXPECT_EQ(sink_->counts().commits.load(), 1);
  EXPECT_EQ(metrics_.transactions_committed().Value(), 1);
  EXPECT_EQ(produced("out"), 5);
  // Nothing new: nothing to commit, not due.
  EXPECT_FALSE(sink_->commit_due(KafkaSink::Clock::now() + std::chrono::seconds(1)));
  EXPECT_FALSE(sink_->commit_transaction(group_.get()).committed);
  // An abort now goes back to 5, the committed position.
  deliver(5);
  out = sink_->abort_transaction();
  EXPECT_TRUE(out.aborted);
  EXPECT_EQ(metrics_.transactions_aborted().Value(), 1);
  EXPECT_EQ(out.rewind, (std::vector<CommitPosition>{{kIn, 5}}));
}

TEST_F(TxnSinkTest, DedupStateRecordsGoIntoTheArticlesTransaction) {
  make_sink();
  OffsetTicket t;
  ASSERT_EQ(tracker_.begin(kIn.topic, kIn.partition, 0, t), PartitionOffsetTracker::Begin::accepted);
  deliver_ticket(t, "00000000000000aa");
  deliver(1);  // no state record: nothing extra produced
  ASSERT_TRUE(sink_->commit_transaction(group_.get()).committed);
  EXPECT_EQ(produced("out"), 2);
  EXPECT_EQ(produced("state"), 1);
}

TEST_F(TxnSinkTest, RetriableCommitTimeoutIsCalledAgain) {
  TransactionOptions options;
  options.call_timeout = std::chrono::milliseconds(300);
  make_sink(options);
  deliver(0);
  rd_kafka_mock_broker_set_rtt(cluster_, 1, 5000);  // far longer than the 300 ms call timeout
  std::thread heal([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    rd_kafka_mock_broker_set_rtt(cluster_, 1, 0);
  });
  TxnOutcome out = sink_->commit_transaction(group_.get());
  heal.join();
  EXPECT_TRUE(out.committed);
  EXPECT_FALSE(out.aborted);
  EXPECT_GE(sink_->counts().retries.load(), 1);  // timed out (retriable), called again, committed
  EXPECT_TRUE(sink_->healthy());
}

TEST_F(TxnSinkTest, AbortableOffsetCommitAbortsAndRewinds) {
  make_sink();
  for (int64_t o = 0; o < 3; ++o) deliver(o);
  ASSERT_TRUE(sink_->commit_transaction(group_.get()).committed);
  OffsetTicket late = {};
  for (int64_t o = 3; o < 6; ++o) late = deliver(o);
  OffsetTicket in_graph;
  ASSERT_EQ(tracker_.begin(kIn.topic, kIn.partition, 6, in_graph), PartitionOffsetTracker::Begin::accepted);
  push_errors(kTxnOffsetCommit, {RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED});
  TxnOutcome out = sink_->commit_transaction(group_.get());
  EXPECT_FALSE(out.committed);
  EXPECT_TRUE(out.aborted);
  EXPECT_EQ(out.rewind, (std::vector<CommitPosition>{{kIn, 3}}));
  EXPECT_EQ(sink_->counts().aborts.load(), 1);
  EXPECT_TRUE(sink_->healthy());
  // A record of the aborted transaction still in the graph is dropped, not produced.
  const int64_t before = produced("out");
  deliver_ticket(in_graph);
  EXPECT_FALSE(sink_->commit_due(KafkaSink::Clock::now() + std::chrono::seconds(1)));
  EXPECT_EQ(produced("out"), before);
  // Read again after the rewind: committed this time.
  for (int64_t o = 3; o < 7; ++o) deliver(o);
  EXPECT_TRUE(sink_->commit_transaction(group_.get()).committed);
  EXPECT_FALSE(tracker_.current(late));
}

TEST_F(TxnSinkTest, RecordsOfARevokedPartitionAreNotProduced) {
  make_sink();
  deliver(0);
  OffsetTicket in_graph;
  ASSERT_EQ(tracker_.begin(kIn.topic, kIn.partition, 1, in_graph), PartitionOffsetTracker::Begin::accepted);
  EXPECT_TRUE(sink_->commit_transaction(group_.get(), {kIn}).committed);  // the revoke path
  EXPECT_FALSE(tracker_.assigned(kIn));
  deliver_ticket(in_graph);
  EXPECT_EQ(produced("out"), 1);
  EXPECT_FALSE(sink_->commit_due(KafkaSink::Clock::now() + std::chrono::seconds(1)));
}

TEST_F(TxnSinkTest, PoisonRecordGoesToTheDlqAfterBoundedAborts) {
  TransactionOptions options;
  options.max_aborts_per_record = 2;
  make_sink(options);
  deliver(0);
  ASSERT_TRUE(sink_->commit_transaction(group_.get()).committed);
  for (int attempt = 0; attempt < 2; ++attempt) {
    push_errors(kProduce, {RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE});  // the broker refuses record 1
    deliver(1);
    // Wait for its failed delivery report: the transaction then must abort.
    for (int i = 0; i < 500 && !sink_->commit_due(KafkaSink::Clock::now()); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    TxnOutcome out = sink_->commit_transaction(group_.get());
    ASSERT_TRUE(out.aborted) << "attempt " << attempt;
    EXPECT_EQ(out.rewind, (std::vector<CommitPosition>{{kIn, 1}}));
  }
  EXPECT_EQ(produced("dlq"), 0);
  deliver(1);  // the third time: a dead letter (delivery_failed) instead of another abort
  TxnOutcome out = sink_->commit_transaction(group_.get());
  EXPECT_TRUE(out.committed);
  EXPECT_EQ(sink_->counts().poison.load(), 1);
  EXPECT_EQ(produced("dlq"), 1);
  EXPECT_EQ(sink_->counts().aborts.load(), 2);
}

TEST_F(TxnSinkTest, TimeoutsAbortWithoutBlamingTheRecord) {
  TransactionOptions options;
  options.max_aborts_per_record = 1;
  make_sink(options, {{"transaction.timeout.ms", "5000"}, {"message.timeout.ms", "800"}});
  // The broker keeps answering "not enough replicas" (an outage) until the message times out:
  // the transaction aborts, but the timeout says nothing about the record: no dead letter.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<rd_kafka_resp_err_t> errs(200, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
    rd_kafka_mock_push_request_errors_array(cluster_, kProduce, errs.size(), errs.data());
    deliver(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past message.timeout.ms
    rd_kafka_mock_clear_request_errors(cluster_, kProduce);
    ASSERT_TRUE(sink_->commit_transaction(group_.get()).aborted) << "attempt " << attempt;
  }
  deliver(0);
  EXPECT_TRUE(sink_->commit_transaction(group_.get()).committed);
  EXPECT_EQ(sink_->counts().poison.load(), 0);
  EXPECT_EQ(produced("dlq"), 0);
  EXPECT_EQ(produced("out"), 1);
}

TEST_F(TxnSinkTest, FencedCommitIsFatal) {
  make_sink();
  deliver(0);
  push_errors(kEndTxn, {RD_KAFKA_RESP_ERR_PRODUCER_FENCED});
  EXPECT_THROW(sink_->commit_transaction(group_.get()), KafkaFatalError);
  EXPECT_FALSE(sink_->healthy());
  EXPECT_FALSE(sink_->failure().empty());
}

}  // namespace
}  // namespace newsflow::kafka
