#include "core/article.h"

namespace newsflow {

std::string_view to_string(Field f) { return f == Field::title ? "title" : "body"; }

std::string_view to_string(Polarity p) {
  switch (p) {
    case Polarity::negative: return "negative";
    case Polarity::neutral: return "neutral";
    case Polarity::positive: return "positive";
  }
  return "neutral";
}

std::string_view to_string(DedupInfo::Status s) {
  switch (s) {
    case DedupInfo::Status::unique: return "unique";
    case DedupInfo::Status::exact_duplicate: return "exact_duplicate";
    case DedupInfo::Status::near_duplicate: return "near_duplicate";
  }
  return "unique";
}

std::string_view to_string(ErrorCode c) {
  switch (c) {
    case ErrorCode::empty_message: return "empty_message";
    case ErrorCode::tombstone: return "tombstone";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::bom: return "bom";
    case ErrorCode::nul_byte: return "nul_byte";
    case ErrorCode::invalid_utf8: return "invalid_utf8";
    case ErrorCode::malformed_json: return "malformed_json";
    case ErrorCode::too_deep: return "too_deep";
    case ErrorCode::not_object: return "not_object";
    case ErrorCode::missing_id: return "missing_id";
    case ErrorCode::wrong_type: return "wrong_type";
    case ErrorCode::field_too_long: return "field_too_long";
    case ErrorCode::empty_content: return "empty_content";
    case ErrorCode::reserved_field: return "reserved_field";
    case ErrorCode::stage_error: return "stage_error";
    case ErrorCode::output_too_large: return "output_too_large";
    case ErrorCode::delivery_failed: return "delivery_failed";
  }
  return "stage_error";
}

}  // namespace newsflow
