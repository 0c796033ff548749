// A stage is a plain synchronous transformation of one Article. It knows nothing about Kafka,
// TBB or metrics: the graph adapter (src/graph/) owns concurrency, timing, counting and DLQ routing.
#pragma once

#include <string_view>

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
};

}  // namespace newsflow
