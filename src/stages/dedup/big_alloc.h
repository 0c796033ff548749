// Allocator for the index's large arrays (ring, signatures, hash tables: tens of MB at 1,000,000
// entries, touched at random). Large blocks are 2 MiB aligned and advised as transparent huge pages
// (Debian's default THP mode is "madvise"): one TLB entry per 2 MiB instead of per 4 KiB, which is
// most of the cost of a random probe once the index outgrows the caches. Small blocks are plain.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace newsflow::dedup {

template <class T>
struct BigAlloc {
  using value_type = T;
  static constexpr size_t kHuge = size_t{2} << 20;

  BigAlloc() = default;
  template <class U>
  BigAlloc(const BigAlloc<U>&) noexcept {}

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < 2 * kHuge) return static_cast<T*>(::operator new(bytes));
    const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, rounded);
    if (!p) throw std::bad_alloc();
    ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure just means 4 KiB pages
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) noexcept {
    if (n * sizeof(T) < 2 * kHuge) ::operator delete(p);
    else std::free(p);
  }
  template <class U>
  bool operator==(const BigAlloc<U>&) const noexcept { return true; }
};

}  // namespace newsflow::dedup
