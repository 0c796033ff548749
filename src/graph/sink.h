#pragma once

#include "core/article.h"

namespace newsflow {

// Where finished articles go. deliver() is called serially, in submission order, for every
// article: article.route says output / duplicates / drop / dead_letter; for output and
// duplicates article.output holds the serialised message. Throwing stops the pipeline.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void deliver(Article& article) = 0;
  // True when the sink counts written records (newsflow_output_records_total) and observes the
  // end-to-end latency itself, at its delivery report (Kafka); otherwise the graph does it here.
  virtual bool reports_delivery() const { return false; }
};

}  // namespace newsflow
