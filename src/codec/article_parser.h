// Parses and validates one input record into an Article. Not thread-safe: one parser per thread
// (it owns simdjson's reusable buffers). Never throws on bad input: it returns the reason.
#pragma once

#include <simdjson.h>

#include <optional>

#include "codec/limits.h"
#include "core/article.h"

namespace newsflow {

class ArticleParser {
 public:
  explicit ArticleParser(Limits limits = {});

  // Fills the article's fields from article.record.value. On failure returns the error (stage
  // "parse") and leaves the article's fields unspecified; the record itself is untouched.
  std::optional<Error> parse(Article& article);

 private:
  Limits limits_;
  simdjson::dom::parser parser_;
};

}  // namespace newsflow
