// The stages newsflow knows, by name, and their factories.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/stage.h"

namespace newsflow {

struct AppConfig;

const std::vector<std::string>& known_stage_names();
// The stages a config without a `stages` key runs: all of them, in pipeline order.
const std::vector<std::string>& default_stage_names();
// What is wrong with a stage list ("" when nothing): an unknown name, one listed twice, or one out
// of pipeline order (stance reads the entities stage's output, so it must come after it).
std::string stage_list_error(const std::vector<std::string>& names);
// "a,b,c" → {a, b, c}; "none" → {}. Empty items are kept, for stage_list_error to reject.
std::vector<std::string> parse_stage_list(const std::string& csv);

// Stage name → the settings its factory read (defaults included), for --print-config.
using StageSettings = std::map<std::string, YAML::Node>;

// Builds the configured stages, validating each one's section; with `effective`, records what
// each stage read there. Throws ConfigError.
std::vector<std::unique_ptr<Stage>> make_stages(const AppConfig& config, const std::vector<std::string>& names,
                                                StageSettings* effective = nullptr);

// Builds every configured stage once, and every stage with a section in the config even if it
// is not run, so settings and model files are checked — validate-config.
void validate_stage_sections(const AppConfig& config, StageSettings* effective = nullptr);

}  // namespace newsflow
