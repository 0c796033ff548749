#include "app/reload.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>

#include "app/shutdown.h"
#include "core/settings.h"
#include "stages/entities/entities_stage.h"

namespace newsflow {
namespace {

void flatten(const YAML::Node& node, const std::string& path, std::map<std::string, std::string>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      flatten(kv.second, path.empty() ? key : path + "." + key, out);
    }
  } else if (node.IsScalar()) {
    out[path] = node.Scalar();
  } else if (node.IsNull()) {
    out[path] = "~";
  } else {
    YAML::Emitter e;
    e << YAML::Flow << node;
    out[path] = e.c_str();
  }
}

std::map<std::string, std::string> read_file_keys(const std::string& path) {
  if (path.empty() || path == "<defaults>") return {};
  YAML::Node root = YAML::LoadFile(path);
  interpolate_env(root);  // ${VAR} as the loader sees it
  return flatten_config(root);
}

// Keys whose value differs (or that exist on one side only).
std::vector<std::string> changed_keys(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b) {
  std::set<std::string> keys;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || it->second != v) keys.insert(k);
  }
  for (const auto& [k, v] : b) {
    if (!a.count(k)) keys.insert(k);
  }
  return {keys.begin(), keys.end()};
}

bool under(const std::string& key, const std::string& prefix) {
  return key == prefix || (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0 && key[prefix.size()] == '.');
}

}  // namespace

std::map<std::string, std::string> flatten_config(const YAML::Node& root) {
  std::map<std::string, std::string> out;
  if (root && !root.IsNull()) flatten(root, "", out);
  return out;
}

LiveReload::LiveReload(const AppConfig& running, std::vector<Stage*> stages) : running_(running), stages_(std::move(stages)) {
  try {
    running_keys_ = read_file_keys(running_.source);
  } catch (const std::exception&) {
    // The file loaded a moment ago; if it changed since, the first reload reports it.
  }
  thread_ = std::thread([this] { loop(); });
}

LiveReload::~LiveReload() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void LiveReload::loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    // A signal handler cannot notify a condition variable: poll the flag it sets, 10 times a second.
    cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_; });
    if (stop_) break;
    if (g_reload_requested.exchange(false)) {
      lock.unlock();
      try {
        reload();
      } catch (const std::exception& e) {  // never let a reload take the process down
        ++rejected_;
        spdlog::error("reload rejected, the running configuration stays in force: {}", e.what());
      }
      lock.lock();
    }
  }
}

bool LiveReload::reload() {
  const auto reject = [this](const std::string& why) {
    ++rejected_;
    spdlog::error("reload rejected, the running configuration stays in force: {}", why);
    return false;
  };
  const bool from_file = running_.source != "<defaults>";
  AppConfig next;
  std::map<std::string, std::string> keys;
  try {
    next = from_file ? load_config(running_.source) : running_;
    keys = read_file_keys(running_.source);
  } catch (const ConfigError& e) {
    return reject(e.what());
  } catch (const std::exception& e) {
    return reject(fmt::format("{}: {}", running_.source, e.what()));
  }

  // Sort the changed keys: live ones are prepared (validated) now, the rest need a restart.
  std::vector<std::string> live, restart, flagged;
  std::vector<std::function<void()>> commits;
  const auto is_flag = [&](const std::string& k) {
    return std::any_of(running_.flag_keys.begin(), running_.flag_keys.end(), [&](const std::string& f) { return under(k, f); });
  };
  const auto changed = changed_keys(running_keys_, keys);
  std::set<Stage*> live_stages;
  for (const auto& key : changed) {
    if (is_flag(key)) {
      flagged.push_back(key);
      continue;
    }
    if (key == "log.level") {
      live.push_back(key);
      continue;
    }
    bool is_live = false;
    for (Stage* s : stages_) {
      const std::string prefix(s->name());
      if (!under(key, prefix)) continue;
      for (const auto& k : s->live_settings()) {
        if (key == prefix + "." + k) is_live = true;
      }
      if (is_live) live_stages.insert(s);
    }
    (is_live ? live : restart).push_back(key);
  }
  try {
    for (Stage* s : live_stages) {
      const std::string name(s->name());
      auto it = next.stage_sections.find(name);
      Settings section(it == next.stage_sections.end() ? YAML::Node() : it->second, name);
      if (auto apply = s->prepare_live(section)) commits.push_back(std::move(apply));
    }
  } catch (const ConfigError& e) {
    return reject(fmt::format("{}: {}", running_.source, e.what()));
  }

  // Watchlists last of the checks: a good set is swapped in at once, a bad one changes nothing.
  size_t watchlist_stages = 0;
  for (Stage* s : stages_) {
    if (s->name() != "entities") continue;
    std::string error;
    if (!reload_watchlists(*s, error)) return reject("entities.watchlists: " + error);
    ++watchlist_stages;
  }

  for (auto& apply : commits) apply();
  if (std::find(live.begin(), live.end(), "log.level") != live.end()) {
    spdlog::set_level(spdlog::level::from_str(next.log_level));
    running_.log_level = next.log_level;
  }
  for (const auto& key : restart) spdlog::warn("reload: {} changed: needs a restart (not applied)", key);
  for (const auto& key : flagged) spdlog::warn("reload: {} changed in the file but is set by a command-line flag: not applied", key);
  // The running keys become the file's, except those not applied: they are reported again next time.
  for (const auto& key : live) {
    if (auto it = keys.find(key); it != keys.end()) running_keys_[key] = it->second;
    else running_keys_.erase(key);
  }
  ++applied_;
  spdlog::info("reload #{}: applied {}{}{}", applied_, live.empty() ? "no changed settings" : fmt::format("{}", fmt::join(live, ", ")),
               watchlist_stages ? "; watchlists reloaded" : "",
               restart.empty() ? "" : fmt::format("; {} key(s) need a restart", restart.size()));
  return true;
}

}  // namespace newsflow
