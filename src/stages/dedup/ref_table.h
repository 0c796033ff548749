// Open-addressing multimap from a 64-bit hash to 24-bit references (ring slots or cluster slots),
// with Robin Hood linear probing. A slot is 4 bytes: the probe distance from the home slot
// (8 bits) and the reference. The key lives in the referenced object: callers confirm matches.
// Because each slot knows its distance, deletion shifts the following slots back without
// touching the referenced objects (no cache misses, no tombstones), and a lookup only visits the
// references that share its home slot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "stages/dedup/big_alloc.h"

namespace newsflow::dedup {

class RefTable {
 public:
  static constexpr uint32_t kMaxRef = (1u << 24) - 1;

  void reset(size_t capacity) {
    decltype(slots_)(capacity < 8 ? 8 : capacity, kEmpty).swap(slots_);  // assign() would keep a larger block
    size_ = 0;
  }
  size_t capacity() const { return slots_.size(); }
  size_t size() const { return size_; }
  size_t bytes() const { return slots_.capacity() * sizeof(uint32_t); }
  size_t overflows() const { return overflows_; }

  void insert(uint64_t h, uint32_t ref) {
    insert_capped(h, ref, 0, [](uint32_t) { return false; });
  }

  // Like insert(), unless `max_same` (> 0) references already hold the same key (same_key(ref)):
  // a key shared by very many articles (boilerplate) keeps only its oldest holders, which bounds
  // candidate lists. Returns whether it inserted.
  template <class SameKey>
  bool insert_capped(uint64_t h, uint32_t ref, int max_same, SameKey&& same_key) {
    size_t i = home(h);
    uint32_t d = 0;
    uint32_t carry = ref;
    bool placed = false;  // our ref is in; now carrying a displaced one
    int same = 0;
    for (;;) {
      const uint32_t s = slots_[i];
      if (s == kEmpty) {
        slots_[i] = (d << 24) | carry;
        ++size_;
        return true;
      }
      const uint32_t sd = s >> 24;
      if (!placed && sd == d && max_same > 0 && same_key(s & kRefMask) && ++same >= max_same) {
        return placed;
      }
      if (sd < d) {  // Robin Hood: the richer slot gives way
        slots_[i] = (d << 24) | carry;
        carry = s & kRefMask;
        d = sd;
        placed = true;
      }
      i = next(i);
      if (++d >= kMaxDist) {  // pathological cluster: drop the carried reference, count it
        ++overflows_;
        return placed;
      }
    }
  }

  // Starts loading the home slot of h (the index prefetches every table before probing them, so
  // the cache misses overlap instead of queueing one after the other).
  void prefetch(uint64_t h) const { __builtin_prefetch(slots_.data() + home(h)); }

  // Calls fn(ref) for each reference with the same home slot as h, until fn returns false.
  template <class Fn>
  void for_each(uint64_t h, Fn&& fn) const {
    size_t i = home(h);
    for (uint32_t d = 0;; ++d, i = next(i)) {
      const uint32_t s = slots_[i];
      if (s == kEmpty || (s >> 24) < d) return;
      if ((s >> 24) == d && !fn(s & kRefMask)) return;
    }
  }

  // Removes the slot holding `ref` under hash h. Returns false if it was not there.
  bool erase(uint64_t h, uint32_t ref) {
    size_t i = home(h);
    for (uint32_t d = 0;; ++d, i = next(i)) {
      const uint32_t s = slots_[i];
      if (s == kEmpty || (s >> 24) < d) return false;
      if (s == ((d << 24) | ref)) break;
    }
    for (size_t j = next(i); slots_[j] != kEmpty && (slots_[j] >> 24) > 0; j = next(j)) {
      slots_[i] = slots_[j] - (1u << 24);
      i = j;
    }
    slots_[i] = kEmpty;
    --size_;
    return true;
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;
  static constexpr uint32_t kRefMask = 0x00FFFFFFu;
  static constexpr uint32_t kMaxDist = 255;

  size_t home(uint64_t h) const {
    return static_cast<size_t>((static_cast<unsigned __int128>(h) * slots_.size()) >> 64);
  }
  size_t next(size_t i) const { return i + 1 == slots_.size() ? 0 : i + 1; }

  std::vector<uint32_t, BigAlloc<uint32_t>> slots_;
  size_t size_ = 0;
  size_t overflows_ = 0;
};

}  // namespace newsflow::dedup
