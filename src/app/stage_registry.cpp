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

std::string stage_list_error(const std::vector<std::string>& names) {
  const auto& order = known_stage_names();
  size_t last = 0;  // position in pipeline order of the previous name
  for (size_t i = 0; i < names.size(); ++i) {
    const auto it = std::find(order.begin(), order.end(), names[i]);
    if (it == order.end()) {
      return fmt::format("[{}]: unknown stage '{}' (available: {})", i, names[i], fmt::join(order, ", "));
    }
    const size_t pos = static_cast<size_t>(it - order.begin());
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) != names.begin() + static_cast<std::ptrdiff_t>(i)) {
      return fmt::format("[{}]: '{}' is listed twice", i, names[i]);
    }
    if (i > 0 && pos < last) {
      return fmt::format("[{}]: '{}' must come before '{}' (pipeline order: {})", i, names[i], names[i - 1],
                         fmt::join(order, ", "));
    }
    last = pos;
  }
  return "";
}

std::vector<std::string> parse_stage_list(const std::string& csv) {
  std::vector<std::string> out;
  if (csv == "none") return out;
  for (size_t start = 0;;) {
    const size_t comma = std::min(csv.find(',', start), csv.size());
    out.push_back(csv.substr(start, comma - start));
    if (comma == csv.size()) break;
    start = comma + 1;
  }
  return out;
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
    try {
      out.push_back(it->make(section));
      section.finish();
    } catch (const ConfigError& e) {  // named like the errors of the other sections: file, then key
      throw ConfigError(fmt::format("{}: {}", config.source, e.what()));
    } catch (const std::exception& e) {  // a model or state file that would not load
      throw ConfigError(fmt::format("{}: {}: {}", config.source, name, e.what()));
    }
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
