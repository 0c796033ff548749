// Direct-quote spans, character level: straight "…", curly “…”, „…“ / „…”, «…» / »…«, ‚…‘ and
// ‘…’, ‹…›, 「…」. A quote left open at the end of a paragraph continues when the next paragraph
// opens with a quote mark (the multi-paragraph convention); otherwise the stray mark is ignored.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow::stance {

struct QuoteSpan {
  uint32_t open = 0;   // byte offset of the opening mark
  uint32_t close = 0;  // byte offset just after the closing mark
  uint32_t start = 0;  // quoted words, trimmed of surrounding white space
  uint32_t end = 0;
  uint32_t words = 0;  // number of words inside
  bool multi_paragraph = false;
};

void find_quotes(std::string_view text, std::vector<QuoteSpan>& out);

// The quoted words: text[start, end) with the marks that reopen continued paragraphs removed.
std::string quote_text(std::string_view text, const QuoteSpan& q);

}  // namespace newsflow::stance
