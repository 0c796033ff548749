// Steady-clock time as plain nanoseconds: what atomics and cross-thread timestamps store
// (the pipeline's last progress, the liveness beats, the open transaction's start).
#pragma once

#include <chrono>
#include <cstdint>

namespace newsflow {

inline int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace newsflow
