// KafkaSink, exactly-once: the transaction calls (init, commit with the consumer's offsets,
// abort and rewind). They run on the consumer thread; deliver_transactional() (kafka_sink.cpp)
// produces on the graph's sink thread. txn_mu_ keeps the two apart: a record is checked as
// current, produced and completed in one transaction, and a commit sends exactly the positions
// of what was produced.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <thread>

#include "core/clock.h"
#include "io/kafka/kafka_sink.h"
#include "metrics/metrics.h"

namespace newsflow::kafka {
namespace {

struct ListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const noexcept { rd_kafka_topic_partition_list_destroy(l); }
};


}  // namespace

std::string KafkaSink::txn_call(const char* what, const std::function<rd_kafka_error_t*()>& call) {
  for (int attempt = 0;; ++attempt) {
    rd_kafka_error_t* e = call();
    if (!e) return {};
    const TxnErrorClass c = classify(e);
    std::string msg = fmt::format("{}: {} ({})", what, rd_kafka_error_string(e), to_string(c));
    rd_kafka_error_destroy(e);
    if (c == TxnErrorClass::retriable && attempt < txn_->max_retries) {
      spdlog::warn("kafka transaction: {}; retrying", msg);
      ++counts_.retries;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(50 * (attempt + 1), 500)));
      continue;
    }
    if (c == TxnErrorClass::abortable) return msg;
    if (c == TxnErrorClass::retriable) msg += fmt::format(", still failing after {} retries", attempt);
    fail("kafka transaction: " + msg);
    throw KafkaFatalError("kafka transaction: " + msg);
  }
}

void KafkaSink::init_transactions(std::chrono::milliseconds timeout) {
  std::lock_guard lock(txn_mu_);
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    rd_kafka_error_t* e = rd_kafka_init_transactions(rk_.get(), static_cast<int>(txn_->call_timeout.count()));
    if (!e) break;
    const TxnErrorClass c = classify(e);
    std::string msg = fmt::format("init_transactions: {} ({})", rd_kafka_error_string(e), to_string(c));
    rd_kafka_error_destroy(e);
    if (c != TxnErrorClass::retriable || Clock::now() >= deadline) {
      fail("kafka transaction: " + msg);
      throw KafkaFatalError("kafka transaction: " + msg);
    }
    spdlog::warn("kafka transaction: {}; retrying", msg);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  begin_locked();
}

void KafkaSink::begin_locked() {
  if (std::string abortable = txn_call("begin_transaction", [&] { return rd_kafka_begin_transaction(rk_.get()); });
      !abortable.empty()) {
    fail("kafka transaction: " + abortable);  // begin has no abortable errors: never happens
    throw KafkaFatalError("kafka transaction: " + abortable);
  }
  txn_records_.store(0);
  txn_started_ns_.store(steady_now_ns());
}

bool KafkaSink::commit_due(Clock::time_point now) const {
  if (txn_abort_needed_.load()) return true;
  const int64_t n = txn_records_.load();
  if (n >= txn_->max_records) return true;
  return n > 0 && now.time_since_epoch().count() - txn_started_ns_.load() >=
                      std::chrono::duration_cast<std::chrono::nanoseconds>(txn_->interval).count();
}

TxnOutcome KafkaSink::commit_transaction(const rd_kafka_consumer_group_metadata_t* group,
                                         const std::vector<TopicPartition>& revoking) {
  std::lock_guard lock(txn_mu_);
  if (txn_abort_needed_.load()) return abort_locked(revoking, "a delivery failed in the transaction");
  const std::vector<CommitPosition> positions = tracker_.take_commits();
  if (positions.empty() && txn_records_.load() == 0) {  // nothing to commit
    for (const auto& tp : revoking) tracker_.revoke(tp);
    return {};
  }
  const int timeout = static_cast<int>(txn_->call_timeout.count());
  if (!positions.empty()) {
    std::unique_ptr<rd_kafka_topic_partition_list_t, ListDeleter> l(
        rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
    for (const auto& c : positions) {
      rd_kafka_topic_partition_list_add(l.get(), c.tp.topic.c_str(), c.tp.partition)->offset = c.offset;
    }
    std::string abortable = txn_call("send_offsets_to_transaction", [&] {
      return rd_kafka_send_offsets_to_transaction(rk_.get(), l.get(), group, timeout);
    });
    if (!abortable.empty()) return abort_locked(revoking, abortable);
  }
  std::string abortable = txn_call("commit_transaction", [&] { return rd_kafka_commit_transaction(rk_.get(), timeout); });
  if (!abortable.empty()) return abort_locked(revoking, abortable);
  tracker_.mark_committed(positions);
  {
    // Inputs below a committed position are done: their abort counts are no longer needed.
    std::lock_guard l(mu_);
    std::erase_if(aborts_by_record_, [&](const auto& entry) {
      const auto& [topic, partition, offset] = entry.first;
      for (const auto& c : positions) {
        if (c.tp.partition == partition && c.tp.topic == topic) return offset < c.offset;
      }
      return false;
    });
    txn_failed_.clear();
    blamed_records_.store(aborts_by_record_.size());
  }
  for (const auto& tp : revoking) tracker_.revoke(tp);
  ++counts_.commits;
  if (metrics_) metrics_->transactions_committed().Increment();
  begin_locked();
  TxnOutcome out;
  out.committed = true;
  return out;
}

TxnOutcome KafkaSink::abort_transaction(const std::vector<TopicPartition>& lost) {
  std::lock_guard lock(txn_mu_);
  return abort_locked(lost, lost.empty() ? "requested" : "partitions lost");
}

TxnOutcome KafkaSink::abort_locked(const std::vector<TopicPartition>& lost, const std::string& why) {
  const bool open = txn_records_.load() > 0 || txn_abort_needed_.load();
  TxnOutcome out;
  if (open) {
    spdlog::warn("kafka transaction: aborting ({})", why);
    std::string abortable = txn_call("abort_transaction", [&] {
      return rd_kafka_abort_transaction(rk_.get(), static_cast<int>(txn_->call_timeout.count()));
    });
    if (!abortable.empty()) {  // an abort that needs an abort: nothing sane is left to do
      fail("kafka transaction: " + abortable);
      throw KafkaFatalError("kafka transaction: " + abortable);
    }
    ++counts_.aborts;
    if (metrics_) metrics_->transactions_aborted().Increment();
    out.aborted = true;
    std::lock_guard l(mu_);
    for (const auto& k : txn_failed_) ++aborts_by_record_[k];
    txn_failed_.clear();
    blamed_records_.store(aborts_by_record_.size());
  }
  for (const auto& tp : lost) tracker_.lost(tp);  // never a position for them
  // The aborted records' outputs are gone: every partition goes back to its committed position
  // and the records still in the graph turn stale (dropped when they reach deliver).
  if (open) {
    out.rewind = tracker_.rewind();
    txn_abort_needed_.store(false);
    begin_locked();
  }
  return out;
}

}  // namespace newsflow::kafka
