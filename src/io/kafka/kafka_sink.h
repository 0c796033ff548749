// The Kafka sink: enriched articles to the output (or duplicates) topic, dead letters to the DLQ
// topic with the original key/value/headers byte-for-byte plus Kafka Connect style error headers.
// Idempotent producer; a record's offset ticket completes only on its delivery report, so an
// offset is stored only once its output is durable. A permanently failed delivery is never
// completed: failure() turns non-empty and the run stops without storing past it.
//
// Exactly-once (a TransactionOptions given): a transactional producer. A record's ticket
// completes when its output (or dead letter) is produced into the open transaction, under the
// same lock as the check that the ticket is still current, so a record of a revoked partition or
// of an aborted transaction is never produced, and every produced record's offset is in the
// transaction that commit_transaction() sends (tracker positions, never the consumer position).
// The run loop (consumer thread) commits when commit_due(); see kafka_sink_txn.cpp.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "graph/sink.h"
#include "io/kafka/kafka_config.h"
#include "io/kafka/offset_tracker.h"
#include "io/kafka/txn_error.h"

namespace newsflow {
class Metrics;
}

namespace newsflow::kafka {

struct KafkaSinkTopics {
  std::string output, duplicates, dlq;
  std::string dedup_state;  // exactly-once: where an article's state record goes (empty = dropped)
};

// Enriched outputs above this go to the DLQ (output_too_large): Kafka's default topic
// max.message.bytes is 1048588, so a bigger message would be rejected by the broker anyway.
inline constexpr size_t kDefaultMaxOutputBytes = 1000000;

// Exactly-once: how big a transaction may grow and how poison records are bounded.
struct TransactionOptions {
  int64_t max_records = 5000;                // commit once the open transaction holds this many
  std::chrono::milliseconds interval{100};   // ... or once it is this old
  int max_aborts_per_record = 3;             // a record whose delivery failed this often goes to the DLQ
  std::chrono::milliseconds call_timeout{30000};  // per init/send_offsets/commit/abort call
  int max_retries = 10;                      // retriable errors of one call, then fatal
};

// What a commit (or abort) did. After an abort, seek the consumer to `rewind` (the last
// committed positions); the in-flight work of the aborted transaction is dropped by the sink.
struct TxnOutcome {
  bool committed = false;
  bool aborted = false;
  std::vector<CommitPosition> rewind;
};

// The producer properties newsflow uses: defaults, then the user's kafka.producer map on top.
Properties producer_properties(const std::string& bootstrap, const Properties& user);

class KafkaSink : public Sink {
 public:
  using Clock = std::chrono::steady_clock;
  bool reports_delivery() const override { return true; }  // counted at the delivery report
  // Creates the producer and its poll thread (delivery reports). Throws ConfigError.
  KafkaSink(const Properties& props, KafkaSinkTopics topics, PartitionOffsetTracker& tracker, Metrics* metrics,
            size_t max_output_bytes = kDefaultMaxOutputBytes, std::optional<TransactionOptions> txn = std::nullopt);
  ~KafkaSink() override;

  void deliver(Article& article) override;

  // Waits until every produced record has its delivery report. False on timeout.
  bool flush(Clock::time_point deadline);
  // After this, a produce blocked on a full queue gives up (throws) instead of waiting on.
  void set_deadline(Clock::time_point deadline);
  // Non-empty once a delivery failed permanently or the producer hit a fatal error.
  std::string failure() const;
  bool healthy() const { return !failed_.load(); }

  struct Counts {
    std::atomic<int64_t> output{0}, duplicates{0}, dropped{0}, dead_letters{0};
    std::atomic<int64_t> commits{0}, aborts{0}, poison{0}, retries{0};  // exactly-once transactions
  };
  const Counts& counts() const { return counts_; }

  struct Delivery;  // one produced message until its delivery report

  // --- exactly-once (kafka_sink_txn.cpp); the transaction calls run on the consumer thread ---
  bool transactional() const { return txn_.has_value(); }
  // init_transactions (fences an older producer with the same transactional.id) and begin.
  // Throws KafkaFatalError; retriable errors are retried until `timeout`.
  void init_transactions(std::chrono::milliseconds timeout);
  // The open transaction holds max_records, is older than the interval, or must be aborted.
  bool commit_due(Clock::time_point now) const;
  // Sends the tracker's positions with the group metadata and commits; then stops tracking
  // `revoking` (partitions being given up) and begins the next transaction. An abortable error
  // aborts instead (and `revoking` is dropped without a position). Throws KafkaFatalError.
  TxnOutcome commit_transaction(const rd_kafka_consumer_group_metadata_t* group,
                                const std::vector<TopicPartition>& revoking = {});
  // Aborts the open transaction (if it holds anything), forgets `lost` partitions, rewinds the rest.
  TxnOutcome abort_transaction(const std::vector<TopicPartition>& lost = {});

 private:
  static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque);
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  // True when requeued (queue full, retry_later). Throws on failure unless retry_later.
  bool produce_dead_letter(Delivery* d, bool retry_later);
  // Produces d; on QUEUE_FULL waits (back-pressure) until the deadline. Returns the error.
  rd_kafka_resp_err_t produce(Delivery* d, const std::string& topic, bool block);
  // The article's dedup state record into the open transaction (no delivery bookkeeping: a failed
  // one fails the transaction's commit, which aborts and rewinds).
  rd_kafka_resp_err_t produce_state(const Article& a);
  void poll_loop();
  void fail(const std::string& why);
  void deliver_transactional(Article& article);
  TxnOutcome abort_locked(const std::vector<TopicPartition>& lost, const std::string& why);  // requires txn_mu_
  void begin_locked();                                                                         // requires txn_mu_
  // Runs a transactional call until it succeeds, retrying retriable errors. Returns the
  // abortable error's message (empty on success); throws KafkaFatalError for fatal ones.
  std::string txn_call(const char* what, const std::function<rd_kafka_error_t*()>& call);

  Properties props_;
  KafkaSinkTopics topics_;
  PartitionOffsetTracker& tracker_;
  Metrics* metrics_;
  size_t max_output_bytes_;
  HandlePtr rk_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<int64_t> deadline_ns_{INT64_MAX};
  mutable std::mutex mu_;
  std::string failure_;
  std::deque<Delivery*> retry_;  // outputs rejected as too large by the broker: re-sent as dead letters
  Counts counts_;

  // Exactly-once state. txn_mu_ orders produce + complete against commit/abort/revoke.
  using RecordKey = std::tuple<std::string, int32_t, int64_t>;  // input topic, partition, offset
  std::optional<TransactionOptions> txn_;
  std::mutex txn_mu_;
  std::atomic<int64_t> txn_records_{0};          // produced into the open transaction
  std::atomic<int64_t> txn_started_ns_{0};       // steady clock, when the open transaction began
  std::atomic<bool> txn_abort_needed_{false};    // a delivery failed: the transaction cannot commit
  std::set<RecordKey> txn_failed_;               // (mu_) inputs whose delivery failed in the open transaction
  std::map<RecordKey, int> aborts_by_record_;    // (mu_) aborted transactions each input's delivery failed in
  std::atomic<size_t> blamed_records_{0};        // aborts_by_record_.size(), read without mu_

  std::thread poller_;
};

}  // namespace newsflow::kafka
