#include <gtest/gtest.h>

#include <cctype>

#include "stages/dedup/text_norm.h"

using newsflow::dedup::Folded;
using newsflow::dedup::fold_append;
using newsflow::dedup::strip_title_decorations;

namespace {
std::string fold(std::string_view s) {
  Folded f;
  fold_append(s, f);
  return f.text;
}
}  // namespace

TEST(TextNorm, CaseWhitespaceAndPunctuationFold) {
  EXPECT_EQ(fold("  The Mayor,  said:\n\n\"No!\"  "), "the mayor said no");
  EXPECT_EQ(fold("The mayor said no."), fold("THE MAYOR — said… no"));
  EXPECT_EQ(fold("don't"), "dont");
  EXPECT_EQ(fold("don\u2019t"), "dont");
}

TEST(TextNorm, CompatibilityFormsAndDiacritics) {
  EXPECT_EQ(fold("\uFB01nance"), "finance");              // ligature fi
  EXPECT_EQ(fold("\uFF21\uFF22\uFF23 123"), "abc 123");    // full-width letters
  EXPECT_EQ(fold("Stra\u00DFe"), "strasse");               // case fold of sharp s
  EXPECT_EQ(fold("Kalni\u0146a"), fold("Kalnina"));         // diacritics folded
  EXPECT_EQ(fold("Cafe\u0301"), fold("Caf\u00E9"));         // combining vs precomposed
  EXPECT_EQ(fold("\u0391\u0398\u0397\u039D\u0391"), fold("\u03B1\u03B8\u03B7\u03BD\u03B1"));  // Greek case
}

TEST(TextNorm, UnspacedScriptsGiveOneWordPerCharacter) {
  Folded f;
  fold_append("\u6771\u4EAC\u90FD", f);
  EXPECT_EQ(f.words.size(), 3u);
}

TEST(TextNorm, WordHashesFollowText) {
  Folded a, b;
  fold_append("Rain in Spain", a);
  fold_append("rain IN spain!", b);
  EXPECT_EQ(a.words, b.words);
  ASSERT_EQ(a.words.size(), 3u);
  EXPECT_NE(a.words[0], a.words[1]);
}

TEST(TextNorm, MalformedUtf8IsASeparator) {
  EXPECT_EQ(fold(std::string("ab\xFF" "cd")), "ab cd");
  EXPECT_EQ(fold(std::string("\xE2\x82")), "");
}

TEST(TextNorm, TitleDecorations) {
  const std::string_view core = "Council approves new harbour bridge";
  EXPECT_EQ(strip_title_decorations("Opinion | Council approves new harbour bridge \u2013 The Coastal Courier"), core);
  EXPECT_EQ(strip_title_decorations("Op-Ed: Council approves new harbour bridge"), core);
  EXPECT_EQ(strip_title_decorations("UPDATE 2-Council approves new harbour bridge - Wire Service"), core);
  EXPECT_EQ(strip_title_decorations("Council approves new harbour bridge | Daily Tide"), core);
  EXPECT_EQ(strip_title_decorations("ANALYSIS: Council approves new harbour bridge"), core);
  // A lower-case tail is part of the headline, not an outlet name.
  EXPECT_EQ(strip_title_decorations("Bridge vote - what happens next"), "Bridge vote - what happens next");
  // Nothing left after a prefix: keep the title.
  EXPECT_EQ(strip_title_decorations("Opinion:"), "Opinion:");
  EXPECT_EQ(strip_title_decorations(""), "");
}

TEST(TextNorm, WordsOnlyModeHashesTheSameWords) {
  const std::string s = "Don't PANIC: caf\u00E9 r\u00E9sum\u00E9s, 42 \uFB01sh \u6771\u4EAC rock'n'roll x" + std::string(100, 'A');
  Folded with_text, words_only;
  words_only.keep_text = false;
  fold_append(s, with_text);
  fold_append(s, words_only);
  EXPECT_EQ(with_text.words, words_only.words);
  EXPECT_EQ(with_text.words.size(), 10u);  // dont panic cafe resumes 42 fish 東 京 rocknroll xAAA…
}

// Every word length on both paths (fast ASCII from the input, and through the folded text), at the
// end of the input and inside it: the word hash must not depend on the path or on what follows.
TEST(TextNorm, WordHashIndependentOfPathAndPosition) {
  for (size_t n = 1; n <= 70; ++n) {
    std::string word;
    for (size_t k = 0; k < n; ++k) word.push_back(static_cast<char>((k % 3 == 0 ? 'A' : 'a') + k % 26));
    word[n / 2] = static_cast<char>('0' + n % 10);
    std::string lower = word;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Folded at_end, inside, with_text, accented;
    at_end.keep_text = inside.keep_text = accented.keep_text = false;
    fold_append(word, at_end);                      // fast path, word ends the input
    fold_append(word + " tail of the text", inside);  // fast path, bytes follow
    fold_append(lower, with_text);                  // through the folded text
    fold_append("\u00C9" + word.substr(1), accented);  // starts non-ASCII: folded text path
    ASSERT_EQ(at_end.words.size(), 1u) << n;
    EXPECT_EQ(at_end.words[0], inside.words[0]) << n;
    EXPECT_EQ(at_end.words[0], with_text.words[0]) << n;
    if (word[0] == 'A' || word[0] == 'a') {
      Folded plain;
      plain.keep_text = false;
      fold_append("e" + word.substr(1), plain);
      EXPECT_EQ(plain.words[0], accented.words[0]) << n;
    }
  }
  Folded a, b;
  a.keep_text = b.keep_text = false;
  fold_append("dont", a);
  fold_append("Don't", b);
  EXPECT_EQ(a.words, b.words);
}
