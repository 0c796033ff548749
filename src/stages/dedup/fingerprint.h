// What the dedup index remembers about one article, and its compact, versioned binary form
// (the value of a record in the compacted state topic `news.dedup.state`, key = state_key()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stages/dedup/sketch.h"

namespace newsflow::dedup {

struct Fingerprint {
  uint64_t text_hash = 0;  // XXH3 over the normalised words of the undecorated title and the body
  uint64_t url_hash = 0;   // XXH3 of the canonical URL, 0 when there is none
  int64_t time_ms = 0;     // window clock (published_at or processing time)
  bool has_sketch = false; // false for texts too short to shingle
  uint8_t signature_len = 0;
  Signature sig{};
};

// One state record. `root_id` is empty when the article started its own cluster.
struct FingerprintRecord {
  uint64_t origin = 0;        // random id of the instance that wrote it (skips its own echoes)
  uint32_t sketch_id = 0;     // SketchParams::id() of the signature
  std::string id;             // article id (also the Kafka key)
  std::string root_id;        // cluster's first-seen article id, empty if this is the root
  int64_t first_seen_ms = 0;  // cluster's first_seen_at
  Fingerprint fp;
};

constexpr uint8_t kRecordVersion = 1;

// Layout (version 1), integers little-endian, varints LEB128 (signed ones zigzag):
//   u8 version | u8 flags (1 has_sketch, 2 has_url, 4 has_root) | u32 sketch_id | u64 origin
//   | varint time_ms | varint first_seen_ms | u64 text_hash | [u64 url_hash]
//   | u8 sig_len | sig_len x u16 | varint id_len | id | [varint root_len | root_id]
void encode(const FingerprintRecord& r, std::string& out);
// Returns false for truncated or unknown-version input (never throws on bad bytes). Reuses the
// capacity of `out`'s strings (replay decodes millions of records).
bool decode(std::string_view bytes, FingerprintRecord& out);
std::optional<FingerprintRecord> decode(std::string_view bytes);

// The state-topic key: 16 lowercase hex digits of the normalised-text hash. Only articles the index
// keeps are written (the first of each exact text; near copies each have their own text), so
// one key is one distinct content: compaction keeps its latest record and drops a second copy
// written by another instance in the race window, or by a re-run after a crash.
std::string state_key(const FingerprintRecord& r);
void state_key(const FingerprintRecord& r, std::string& out);

}  // namespace newsflow::dedup
