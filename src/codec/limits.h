#pragma once

#include <cstddef>

namespace newsflow {

// Input limits (config section `limits`). Defaults are the documented ones.
struct Limits {
  size_t max_message_bytes = 1048576;
  size_t max_depth = 64;
  size_t max_field_bytes = 1048576;
};

}  // namespace newsflow
