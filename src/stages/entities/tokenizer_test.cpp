#include "core/tokenizer.h"
#include "core/article.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace newsflow;

namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<Token> toks;
  tokenize(text, toks);
  std::vector<std::string> r;
  for (const auto& t : toks) r.emplace_back(t.text(text));
  return r;
}

std::vector<std::string> sentences(std::string_view text) {
  TokenizedText tt;
  tokenize_text(text, tt);
  std::vector<std::string> r;
  for (const auto& s : tt.sentences) {
    const auto b = tt.tokens[s.first].start, e = tt.tokens[s.last - 1].end;
    r.emplace_back(text.substr(b, e - b));
  }
  return r;
}

using V = std::vector<std::string>;

}  // namespace

TEST(Tokenizer, BasicWordsAndPunct) {
  EXPECT_EQ(words("Hello, world!"), (V{"Hello", ",", "world", "!"}));
  EXPECT_EQ(words("  \t\n"), V{});
  EXPECT_EQ(words(""), V{});
}

TEST(Tokenizer, OffsetsAndKinds) {
  const std::string text = "Profits rose 3.5% to $1,200.";
  std::vector<Token> t;
  tokenize(text, t);
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[2].text(text), "3.5");
  EXPECT_EQ(t[2].kind, TokenKind::number);
  EXPECT_EQ(t[3].kind, TokenKind::punct);  // % is Unicode Po
  EXPECT_EQ(t[5].kind, TokenKind::symbol);  // $ is Sc
  EXPECT_EQ(t[5].text(text), "$");
  EXPECT_EQ(t[6].text(text), "1,200");
  EXPECT_EQ(t[6].start, 22u);
  EXPECT_EQ(t[6].end, 27u);
  EXPECT_EQ(t[7].kind, TokenKind::punct);
  EXPECT_TRUE(t[0].has(tf_upper_initial));
  EXPECT_FALSE(t[1].has(tf_upper_initial));
}

TEST(Tokenizer, AbbreviationsKeepTheirPeriod) {
  EXPECT_EQ(words("Mr. Smith met U.S. officials, e.g. in Washington."),
            (V{"Mr.", "Smith", "met", "U.S.", "officials", ",", "e.g.", "in", "Washington", "."}));
  EXPECT_EQ(words("J. K. Rowling"), (V{"J.", "K.", "Rowling"}));
  EXPECT_EQ(words("posted on X. later"), (V{"posted", "on", "X", ".", "later"}));
  EXPECT_EQ(words("Plan B."), (V{"Plan", "B", "."}));
  EXPECT_EQ(words("It ended."), (V{"It", "ended", "."}));
  EXPECT_EQ(words("No. 10 said no."), (V{"No.", "10", "said", "no", "."}));
}

TEST(Tokenizer, HyphensApostrophesAmpersands) {
  EXPECT_EQ(words("COVID-19 and well-known AT&T"), (V{"COVID-19", "and", "well-known", "AT&T"}));
  EXPECT_EQ(words("Germany's O'Neill"), (V{"Germany", "'s", "O'Neill"}));
  EXPECT_EQ(words("Germany\u2019s"), (V{"Germany", "\u2019s"}));
  EXPECT_EQ(words("l'UE et dell'Unione"), (V{"l'", "UE", "et", "dell'", "Unione"}));
  EXPECT_EQ(words("rock & roll - fine"), (V{"rock", "&", "roll", "-", "fine"}));
  EXPECT_EQ(words("Wait... what?!"), (V{"Wait", "...", "what", "?!"}));
}

TEST(Tokenizer, UnicodeLettersMarksAndSymbols) {
  EXPECT_EQ(words("Ümit Çalışkan aus Köln"), (V{"Ümit", "Çalışkan", "aus", "Köln"}));
  // Decomposed e + combining acute stays in one token.
  EXPECT_EQ(words("Cafe\u0301 noir"), (V{"Cafe\u0301", "noir"}));
  EXPECT_EQ(words("\u00ABOui\u00BB, dit-il"), (V{"\u00AB", "Oui", "\u00BB", ",", "dit-il"}));
  EXPECT_EQ(words("10\u20AC \U0001F600"), (V{"10", "\u20AC", "\U0001F600"}));
  EXPECT_EQ(words("东京大学"), (V{"东", "京", "大", "学"}));
  std::vector<Token> t;
  tokenize("ÉCOLE", t);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_TRUE(t[0].has(tf_all_upper));
  EXPECT_TRUE(t[0].has(tf_non_ascii));
  EXPECT_TRUE(t[0].has(tf_upper_initial));
}

TEST(Tokenizer, NonBreakingSpaceSeparates) {
  EXPECT_EQ(words("New\u00A0York"), (V{"New", "York"}));
}

TEST(Tokenizer, InvalidUtf8NeverCrashes) {
  const std::string bad = "ab\xff\xfe" "cd\xc3";
  std::vector<Token> t;
  tokenize(bad, t);
  ASSERT_FALSE(t.empty());
  uint32_t prev = 0;
  for (const auto& k : t) {
    EXPECT_LE(prev, k.start);
    EXPECT_LT(k.start, k.end);
    EXPECT_LE(k.end, bad.size());
    prev = k.end;
  }
}

TEST(Sentences, SplitsOnTerminalsAndBlankLines) {
  EXPECT_EQ(sentences("It rained. We left! Did you? Yes"), (V{"It rained.", "We left!", "Did you?", "Yes"}));
  EXPECT_EQ(sentences("Headline without period\n\nFirst para."), (V{"Headline without period", "First para."}));
}

TEST(Sentences, AbbreviationsDecimalsQuotes) {
  EXPECT_EQ(sentences("Mr. Smith paid 3.5 million. Dr. Jones did not."),
            (V{"Mr. Smith paid 3.5 million.", "Dr. Jones did not."}));
  EXPECT_EQ(sentences("He said \"we will win.\" Then he left."), (V{"He said \"we will win.\"", "Then he left."}));
  EXPECT_EQ(sentences("\u201CNo.\u201D She smiled."), (V{"\u201CNo.\u201D", "She smiled."}));
  EXPECT_EQ(sentences("He moved to the U.S. in May."), (V{"He moved to the U.S. in May."}));
  EXPECT_EQ(sentences("He moved to the U.S. The move was quick."), (V{"He moved to the U.S.", "The move was quick."}));
  EXPECT_EQ(sentences("\"Really?\" he asked."), (V{"\"Really?\" he asked."}));
}

TEST(Sentences, MarksSentenceStarts) {
  const std::string text = "One. Two.";
  TokenizedText tt;
  tokenize_text(text, tt);
  ASSERT_EQ(tt.sentences.size(), 2u);
  EXPECT_TRUE(tt.tokens[0].has(tf_sentence_start));
  EXPECT_FALSE(tt.tokens[1].has(tf_sentence_start));
  EXPECT_TRUE(tt.tokens[2].has(tf_sentence_start));
}

TEST(ArticleTokens, TokenisedOnceAndSharedByLaterReaders) {
  Article a;
  a.title = "Talks resume";
  a.body = "Unions met the minister. They left.";
  const TokenizedText& body = a.tokens(Field::body);
  ASSERT_EQ(body.tokens.size(), 8u);  // Unions met the minister . They left .
  EXPECT_EQ(body.sentences.size(), 2u);
  EXPECT_EQ(a.tokens(Field::title).tokens.size(), 2u);
  EXPECT_EQ(&a.tokens(Field::body), &body);  // the same tokens, not a second pass
  EXPECT_EQ(a.tokens(Field::body).tokens[1].text(a.body), "met");
}
