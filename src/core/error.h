// Bounded error codes: they become metric labels and DLQ headers, so the set is closed.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace newsflow {

enum class ErrorCode : uint8_t {
  empty_message,    // zero-length value
  tombstone,        // Kafka record with a null value
  too_large,        // over limits.max_message_bytes
  bom,              // starts with a UTF-8 byte order mark
  nul_byte,         // contains a NUL byte
  invalid_utf8,     // not valid UTF-8 (includes binary garbage)
  malformed_json,   // not parseable JSON
  too_deep,         // nesting over limits.max_depth
  not_object,       // JSON value that is not an object
  missing_id,       // no "id" or an empty one
  wrong_type,       // a known field with the wrong JSON type
  field_too_long,   // a field over limits.max_field_bytes
  empty_content,    // title and body both empty
  reserved_field,   // input already has a "newsflow" member
  stage_error,      // a stage threw
  output_too_large, // enriched output over the sink's size limit
  delivery_failed,  // its output kept failing delivery (exactly-once: aborted transactions); the last code
};

std::string_view to_string(ErrorCode c);

struct Error {
  ErrorCode code;
  std::string stage;    // "parse", a stage name or "sink"
  std::string message;  // short, never contains secrets
};

// Thrown by a stage to send the current article to the DLQ; any other exception is
// captured as stage_error by the graph adapter.
class StageError : public std::runtime_error {
 public:
  StageError(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace newsflow
