// Text folding shared by the NER features and watchlist matching.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace newsflow::entities {

// Lowercase (full Unicode simple case mapping); ASCII fast path. Overwrites `out`.
void lower(std::string_view s, std::string& out);
// Lowercase and strip diacritics ("Zürich" -> "zurich", "Ł" -> "l"), used for alias matching.
void fold(std::string_view s, std::string& out);

// 64-bit hash of a byte string (xxh3).
uint64_t hash(std::string_view s);
// Mix a value into a running hash (order-sensitive).
inline uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 32);
}

}  // namespace newsflow::entities
