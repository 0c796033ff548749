// Open-addressing multimap from a 64-bit hash to 24-bit references (ring slots or cluster slots).
// A slot is 4 bytes: an 8-bit tag from the hash (filters most false probes without touching the
// referenced entry) and the reference. The key itself lives in the referenced object, so callers
// confirm matches and give the hash of a reference back when erasing (backward-shift deletion,
// no tombstones, so probe lengths stay bounded under constant churn).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace newsflow::dedup {

class RefTable {
 public:
  static constexpr uint32_t kMaxRef = (1u << 24) - 1;

  void reset(size_t capacity) {
    slots_.assign(capacity < 8 ? 8 : capacity, kEmpty);
    size_ = 0;
  }
  size_t capacity() const { return slots_.size(); }
  size_t size() const { return size_; }
  size_t bytes() const { return slots_.capacity() * sizeof(uint32_t); }

  void insert(uint64_t h, uint32_t ref) {
    size_t i = home(h);
    while (slots_[i] != kEmpty) i = next(i);
    slots_[i] = tag(h) | ref;
    ++size_;
  }

  // Like insert(), unless `max_same` references already hold the same key (same_key(ref) true):
  // a key shared by very many articles (boilerplate) then keeps only its oldest holders, which
  // bounds both probe lengths and candidate lists. Returns whether it inserted.
  template <class SameKey>
  bool insert_capped(uint64_t h, uint32_t ref, int max_same, SameKey&& same_key) {
    const uint32_t t = tag(h);
    int same = 0;
    size_t i = home(h);
    for (; slots_[i] != kEmpty; i = next(i)) {
      if ((slots_[i] & kTagMask) == t && same_key(slots_[i] & kRefMask) && ++same >= max_same) return false;
    }
    slots_[i] = t | ref;
    ++size_;
    return true;
  }

  // Calls fn(ref) for each reference whose tag matches h, until fn returns false.
  template <class Fn>
  void for_each(uint64_t h, Fn&& fn) const {
    const uint32_t t = tag(h);
    for (size_t i = home(h); slots_[i] != kEmpty; i = next(i)) {
      if ((slots_[i] & kTagMask) == t && !fn(slots_[i] & kRefMask)) return;
    }
  }

  // Removes the slot holding `ref` under hash h. hash_of(ref) gives the hash another slot was
  // inserted with. Returns false if it was not there.
  template <class HashOf>
  bool erase(uint64_t h, uint32_t ref, HashOf&& hash_of) {
    const uint32_t want = tag(h) | ref;
    size_t i = home(h);
    while (slots_[i] != want) {
      if (slots_[i] == kEmpty) return false;
      i = next(i);
    }
    for (size_t j = next(i);; j = next(j)) {
      if (slots_[j] == kEmpty) break;
      const size_t k = home(hash_of(slots_[j] & kRefMask));
      const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      slots_[i] = slots_[j];
      i = j;
    }
    slots_[i] = kEmpty;
    --size_;
    return true;
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr uint32_t kRefMask = 0x00FFFFFFu;
  static constexpr uint32_t kTagMask = 0xFF000000u;

  size_t home(uint64_t h) const {
    return static_cast<size_t>((static_cast<unsigned __int128>(h >> 8) * slots_.size()) >> 56);
  }
  size_t next(size_t i) const { return i + 1 == slots_.size() ? 0 : i + 1; }
  static uint32_t tag(uint64_t h) {
    uint32_t t = static_cast<uint32_t>(h & 0xFF);
    if (t == 0xFF) t = 0xFE;  // 0xFF.. is the empty marker
    return t << 24;
  }

  std::vector<uint32_t> slots_;
  size_t size_ = 0;
};

}  // namespace newsflow::dedup
