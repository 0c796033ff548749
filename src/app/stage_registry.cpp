#include "app/stage_registry.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/config.h"
#include "core/settings.h"
#include "stages/dedup/dedup_stage.h"
#include "stages/entities/entities_stage.h"
#include "stages/langid/langid_stage.h"
#include "stages/stance/stance_stage.h"

namespace newsflow {
namespace {

struct StageFactory {
  std::string name;
  std::unique_ptr<Stage> (*make)(Settings&);
};

// Pipeline order. A stage appears here once its library exists.
const std::vector<StageFactory>& factories() {
  static const std::vector<StageFactory> list = {
      {"dedup", &make_dedup_stage},
      {"langid", &make_langid_stage},
      {"entities", &make_entities_stage},
      {"stance", &make_stance_stage},
  };
  return list;
}

}  // namespace

const std::vector<std::string>& known_stage_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& f : factories()) n.push_back(f.name);
    return n;
  }();
  return names;
}

const std::vector<std::string>& default_stage_names() { return known_stage_names(); }

bool is_known_stage(const std::string& name) {
  const auto& n = known_stage_names();
  return std::find(n.begin(), n.end(), name) != n.end();
}

std::vector<std::unique_ptr<Stage>> make_stages(const AppConfig& config, const std::vector<std::string>& names,
                                                StageSettings* effective) {
  std::vector<std::unique_ptr<Stage>> out;
  for (const auto& name : names) {
    auto it = std::find_if(factories().begin(), factories().end(), [&](const StageFactory& f) { return f.name == name; });
    if (it == factories().end()) throw ConfigError(fmt::format("stages: unknown stage '{}'", name));
    auto section_it = config.stage_sections.find(name);
    Settings section(section_it == config.stage_sections.end() ? YAML::Node() : section_it->second, name);
    if (effective) section.record_into((*effective)[name] = YAML::Node(YAML::NodeType::Map));
    out.push_back(it->make(section));
    section.finish();
  }
  return out;
}

void validate_stage_sections(const AppConfig& config, StageSettings* effective) {
  // Sections of stages the config does not run are checked too: a typo there would otherwise
  // surface only on the day the stage is switched on.
  std::vector<std::string> names = config.stages;
  for (const auto& [name, section] : config.stage_sections) {
    if (section.IsDefined() && !section.IsNull() && std::find(names.begin(), names.end(), name) == names.end()) {
      names.push_back(name);
    }
  }
  (void)make_stages(config, names, effective);
}

}  // namespace newsflow
