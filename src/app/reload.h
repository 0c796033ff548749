// SIGHUP live reload, for both run modes. A thread of its own waits for g_reload_requested and then
// re-reads the config file (and the watchlists):
//   - applied live: watchlists (every article is tagged by the one set it started with: the
//     entities stage swaps an immutable set atomically), log.level, and each stage's
//     live_settings() (e.g. dedup.threshold);
//   - any other changed key is logged as "needs a restart" and not applied (named, never its value);
//   - all or nothing: a config that does not load, a bad live value or a bad watchlist rejects the
//     whole reload with an error naming the key or file; the running config stays in force.
// Keys set by a command-line flag (AppConfig::flag_keys) keep the flag's value.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "core/stage.h"

namespace newsflow {

class LiveReload {
 public:
  // `stages` are owned by the pipeline and must outlive this object.
  LiveReload(const AppConfig& running, std::vector<Stage*> stages);
  ~LiveReload();
  LiveReload(const LiveReload&) = delete;
  LiveReload& operator=(const LiveReload&) = delete;

  // One reload now (the thread calls it on SIGHUP). Returns false when it was rejected.
  bool reload();
  uint64_t applied() const { return applied_; }
  uint64_t rejected() const { return rejected_; }

 private:
  void loop();

  AppConfig running_;
  std::map<std::string, std::string> running_keys_;  // flattened file: dotted key -> YAML text
  std::vector<Stage*> stages_;
  uint64_t applied_ = 0, rejected_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// The config file as dotted keys ("dedup.threshold") -> value text; lists are one value.
std::map<std::string, std::string> flatten_config(const YAML::Node& root);

}  // namespace newsflow
