// Closing a group consumer within a deadline. librdkafka 2.0.2's rd_kafka_consumer_close() can
// hang (e.g. after a lost partition), and a SIGTERM shutdown must finish inside its grace period.
#pragma once

#include <chrono>

#include <librdkafka/rdkafka.h>

namespace newsflow::kafka {

enum class CloseResult {
  closed,     // left the group; the final rebalance callback (revoke) has run
  timed_out,  // gave up: do not rd_kafka_destroy() the handle (it may block too); release it and
              // exit, or destroy it with RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE as a last resort
};

// Starts an asynchronous close and serves its rebalance callbacks on this thread until the
// consumer reports closed or `timeout` passes.
CloseResult close_consumer(rd_kafka_t* rk, std::chrono::milliseconds timeout);

}  // namespace newsflow::kafka
