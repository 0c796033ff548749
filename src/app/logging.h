#pragma once

#include <string>

namespace newsflow {

// Configures the default spdlog logger on stderr: "text" or "json" (one object per line with
// ts, level, msg). Throws ConfigError on an unknown level.
void setup_logging(const std::string& level, const std::string& format);

}  // namespace newsflow
