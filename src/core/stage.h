// A stage is a plain synchronous transformation of one Article. It knows nothing about Kafka,
// TBB or metrics: the graph adapter (src/graph/) owns concurrency, timing, counting and DLQ routing.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/article.h"

namespace newsflow {

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;
  // Stateless stages run concurrently; a stateful one (dedup) is run serially in arrival order.
  virtual bool concurrent() const { return true; }
  // Annotate the article. Throw StageError (or anything) to dead-letter it.
  virtual void process(Article& article) = 0;

  // Live reload (SIGHUP, src/app/reload.h). The keys of this stage's section that may change while
  // it runs; a change to any other key needs a restart.
  virtual std::vector<std::string> live_settings() const { return {}; }
  // Reads the live keys from the new `section` (the whole section, other keys unread) and returns
  // what applies them; throws ConfigError for a bad value, and then nothing is applied. The apply
  // function is called from another thread than process(): make it safe against a running process().
  virtual std::function<void()> prepare_live(class Settings& section) { return {}; }
};

}  // namespace newsflow
