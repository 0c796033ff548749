// The "stance" stage: entity sentiment, quotes with speakers, and each speaker's stance toward the
// entities a quote mentions. Runs after "entities" and reads Article::entities.
#pragma once

#include <memory>

#include "core/settings.h"
#include "core/stage.h"
#include "stages/stance/model.h"

namespace newsflow {

struct StanceOptions {
  bool sentiment = true;            // fill Entity::sentiment
  bool quotes = true;               // fill Article::quotes
  int scare_quote_max_words = 3;    // quotes this short count only when attributed to a person in their sentence
};

// The pure core: annotate one article (thread-safe, const).
class StanceAnnotator {
 public:
  StanceAnnotator(std::shared_ptr<const stance::SentimentModel> model, StanceOptions options);
  ~StanceAnnotator();
  void annotate(Article& article) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Settings (section "stance"): model (path, default config/models/sentiment-en.bin), sentiment,
// quotes, scare_quote_max_words.
std::unique_ptr<Stage> make_stance_stage(Settings& section);

}  // namespace newsflow
