// The three classes of librdkafka transaction errors (examples/transactions.c) and what newsflow
// does with each: retriable → call again, abortable → abort the transaction, rewind the consumer
// and begin again, fatal → stop the run (exit non-zero). Anything unclassified counts as fatal.
#pragma once

#include <librdkafka/rdkafka.h>

#include <stdexcept>
#include <string>

namespace newsflow::kafka {

enum class TxnErrorClass { retriable, abortable, fatal };

TxnErrorClass classify(const rd_kafka_error_t* error);
const char* to_string(TxnErrorClass c);

// A fatal producer or transaction error: the instance must stop (e.g. fenced by a newer one).
class KafkaFatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace newsflow::kafka
