// `--print-config`: the effective configuration (defaults < file < environment < flags) as YAML,
// with every secret value (kafka.consumer/producer properties and any stage key that looks like
// one, see io/kafka/redact.h) replaced by "[redacted]".
#pragma once

#include <string>

#include "app/config.h"
#include "app/stage_registry.h"

namespace newsflow {

// `stages`: what each stage's factory read (validate_stage_sections), defaults included.
std::string print_config(const AppConfig& config, const StageSettings& stages);

}  // namespace newsflow
