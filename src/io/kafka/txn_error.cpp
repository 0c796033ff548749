#include "io/kafka/txn_error.h"

namespace newsflow::kafka {

TxnErrorClass classify(const rd_kafka_error_t* error) {
  if (rd_kafka_error_is_fatal(error)) return TxnErrorClass::fatal;
  // Checked before retriable: an error that needs an abort is never fixed by calling again.
  if (rd_kafka_error_txn_requires_abort(error)) return TxnErrorClass::abortable;
  if (rd_kafka_error_is_retriable(error)) return TxnErrorClass::retriable;
  return TxnErrorClass::fatal;  // unclassified: stopping is the only safe choice
}

const char* to_string(TxnErrorClass c) {
  switch (c) {
    case TxnErrorClass::retriable: return "retriable";
    case TxnErrorClass::abortable: return "abortable";
    case TxnErrorClass::fatal: return "fatal";
  }
  return "fatal";
}

}  // namespace newsflow::kafka
