// Text folding for duplicate detection: NFKC-compatible decomposition + case fold + diacritics
// stripped, punctuation and whitespace folded to single spaces, and title decorations removed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace newsflow::dedup {

// Reusable output buffers (kept by the caller so the hot path does not allocate once warm).
struct Folded {
  std::string text;             // normalised words separated by one space (if keep_text)
  std::vector<uint64_t> words;  // XXH3 of each word, in order
  bool keep_text = true;        // false: only `words` is filled (the stage hashes those)

  void clear() {
    text.clear();
    words.clear();
  }
};

// Appends the words of `in` to `out`. Letters and digits make words; apostrophes inside a word are
// dropped ("don't" -> "dont"); everything else separates words. Han/Kana/Thai-like scripts without
// spaces give one word per character. Malformed UTF-8 bytes are treated as separators.
void fold_append(std::string_view in, Folded& out);

// Removes the decorations outlets add to a headline: section prefixes ("Opinion |", "Op-Ed:",
// "UPDATE 2-", "Analysis:"...) and a trailing outlet name ("– The Outlet", "| Outlet").
// Returns a view into `title`.
std::string_view strip_title_decorations(std::string_view title);

}  // namespace newsflow::dedup
