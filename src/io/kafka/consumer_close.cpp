#include "io/kafka/consumer_close.h"

namespace newsflow::kafka {

CloseResult close_consumer(rd_kafka_t* rk, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  if (rd_kafka_error_t* error = rd_kafka_consumer_close_queue(rk, queue)) {
    rd_kafka_error_destroy(error);  // e.g. a fatal consumer error: nothing left to leave
    rd_kafka_queue_destroy(queue);
    return rd_kafka_consumer_closed(rk) ? CloseResult::closed : CloseResult::timed_out;
  }
  while (!rd_kafka_consumer_closed(rk)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      rd_kafka_queue_destroy(queue);
      return CloseResult::timed_out;
    }
    // Served like rd_kafka_consumer_poll() serves the consumer queue: the configured rebalance
    // callback runs (the final revoke, which commits positions) and fetched messages come back.
    // Those were never begun, so never committed: drop them. (rd_kafka_queue_poll_callback()
    // aborts on a fetched message: librdkafka asserts every op it serves has a callback.)
    if (rd_kafka_message_t* m = rd_kafka_consume_queue(queue, 100)) rd_kafka_message_destroy(m);
  }
  rd_kafka_queue_destroy(queue);
  return CloseResult::closed;
}

}  // namespace newsflow::kafka
