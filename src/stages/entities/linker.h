// Groups the mentions of one article into entities: exact repeats, short person names
// ("Scholz" -> "Olaf Scholz"), acronyms ("FT" -> "Financial Times") and watchlist matches.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/article.h"
#include "stages/entities/watchlist.h"

namespace newsflow::entities {

struct Mention {
  Field field;
  uint32_t start, end;                // byte offsets into the field
  std::vector<std::string_view> words;  // token texts (views into the article)
  int type;                           // 0..3 (kTypeNames)
  int watch = -1;                     // watchlist entity index, -1 none
  uint32_t sentence = 0;              // sentence index in the article (title first)
};

// Builds Article::entities from mentions (in text order). `lead_end` = byte offset in the body
// where the lead (first paragraph) ends; title and lead mentions weigh more for salience.
void link_mentions(const std::vector<Mention>& mentions, const WatchlistSet* watch, const Article& article,
                   uint32_t lead_end, std::vector<Entity>& out);

}  // namespace newsflow::entities
