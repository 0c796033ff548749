// The offset ticket carried through the graph in Record::source_tag: tracker slot (16 bits) and
// generation (48 bits); the offset is the record's own position.offset.
#pragma once

#include <cstdint>

#include "core/article.h"
#include "io/kafka/offset_tracker.h"

namespace newsflow::kafka {

inline uint64_t encode_ticket(const OffsetTicket& t) {
  return (static_cast<uint64_t>(t.slot) << 48) | (t.generation & ((uint64_t{1} << 48) - 1));
}

inline OffsetTicket decode_ticket(const Record& r) {
  return {static_cast<uint32_t>(r.source_tag >> 48), r.source_tag & ((uint64_t{1} << 48) - 1), r.position.offset};
}

}  // namespace newsflow::kafka
