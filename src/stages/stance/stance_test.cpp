// Unit tests of the stance stage on invented fixtures: quote marks of every style, attribution
// patterns, pronoun and title resolution, split and scare quotes, sentiment sanity, robustness.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/settings.h"
#include "stages/stance/newsmtsc.h"
#include "stages/stance/quotes.h"
#include "stages/stance/sentiment.h"
#include "stages/stance/stance_stage.h"
#include "stages/stance/trainer.h"
#include "stages/stance/words.h"

using namespace newsflow;
using namespace newsflow::stance;

namespace {

std::vector<std::string> quote_texts(const std::string& s) {
  std::vector<QuoteSpan> qs;
  find_quotes(s, qs);
  std::vector<std::string> out;
  for (const auto& q : qs) out.push_back(quote_text(s, q));
  return out;
}

// An article whose entities are found by exact string search in the body.
struct Fixture {
  Article a;
  Fixture(std::string body, std::vector<std::pair<std::string, std::string>> ents, std::string lang = "en") {
    a.id = "t";
    a.body = std::move(body);
    a.language_hint = std::move(lang);
    for (auto& [name, type] : ents) {
      Entity e;
      e.text = name;
      e.canonical = name;
      e.type = type;
      for (size_t p = a.body.find(name); p != std::string::npos; p = a.body.find(name, p + 1))
        e.mentions.push_back(Span{Field::body, static_cast<uint32_t>(p), static_cast<uint32_t>(p + name.size())});
      a.entities.push_back(e);
    }
    a.entities_done = true;
  }
  // Entity whose mentions are given surface forms mapping to one canonical name.
  void alias(const std::string& form, const std::string& canonical) {
    for (auto& e : a.entities)
      if (e.canonical == canonical)
        for (size_t p = a.body.find(form); p != std::string::npos; p = a.body.find(form, p + 1)) {
          bool inside = false;
          for (const auto& m : e.mentions) inside |= p >= m.start && p < m.end;
          if (!inside) e.mentions.push_back(Span{Field::body, static_cast<uint32_t>(p), static_cast<uint32_t>(p + form.size())});
        }
  }
};

std::shared_ptr<const SentimentModel> zero_model() { return std::make_shared<const SentimentModel>(12); }

std::vector<std::pair<std::string, std::string>> run(Fixture& f) {
  StanceAnnotator annot(zero_model(), StanceOptions{});
  annot.annotate(f.a);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& q : f.a.quotes) out.push_back({q.speaker, q.text});
  return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

}  // namespace

TEST(Quotes, AllMarkStyles) {
  EXPECT_EQ(quote_texts("He said \"we will win the match\" today."), std::vector<std::string>{"we will win the match"});
  EXPECT_EQ(quote_texts("“Curly quotes work,” she said."), std::vector<std::string>{"Curly quotes work,"});
  EXPECT_EQ(quote_texts("„Das ist gut“, sagte er."), std::vector<std::string>{"Das ist gut"});
  EXPECT_EQ(quote_texts("« Nous sommes prêts », a-t-il dit."), std::vector<std::string>{"Nous sommes prêts"});
  EXPECT_EQ(quote_texts("»Wir gehen«, sagte sie."), std::vector<std::string>{"Wir gehen"});
  EXPECT_EQ(quote_texts("‚Einfach so‘ meinte er."), std::vector<std::string>{"Einfach so"});
  EXPECT_EQ(quote_texts("She wrote ‘we don’t agree’ in the memo."),
            std::vector<std::string>{"we don’t agree"});
}

TEST(Quotes, ApostrophesAndStrayMarksAreNotQuotes) {
  EXPECT_TRUE(quote_texts("It’s the company’s plan, isn't it?").empty());
  EXPECT_TRUE(quote_texts("He is 6'2\" tall.").empty());
  // An unclosed mark at a paragraph end does not swallow the next paragraph's quote.
  EXPECT_EQ(quote_texts("A stray \" mark here.\n\nThen \"a real quote here\" follows."),
            std::vector<std::string>{"a real quote here"});
}

TEST(Quotes, StraightQuoteReopenedInTheSameParagraphSplits) {
  EXPECT_EQ(quote_texts("Harris added: \"It is a bold move. \"But it shows they are serious,\" he said."),
            (std::vector<std::string>{"It is a bold move.", "But it shows they are serious,"}));
  EXPECT_EQ(quote_texts("They called it \"a farce\" and \"a shame\" today."),
            (std::vector<std::string>{"a farce", "a shame"}));
}

TEST(Quotes, ContinuesAcrossParagraphsWhenTheNextOneReopens) {
  const std::string s = "“The first paragraph of it.\n\n“The second one,” she said.";
  std::vector<QuoteSpan> qs;
  find_quotes(s, qs);
  ASSERT_EQ(qs.size(), 1u);
  EXPECT_TRUE(qs[0].multi_paragraph);
  EXPECT_EQ(quote_text(s, qs[0]), "The first paragraph of it.\n\nThe second one,");
  EXPECT_EQ(qs[0].words, 8u);
}

TEST(Attribution, SpeakerAfterQuote) {
  Fixture f("\"We will build the bridge this year,\" Anna Berg said.", {{"Anna Berg", "PER"}});
  EXPECT_EQ(run(f), (Pairs{{"Anna Berg", "We will build the bridge this year,"}}));
  ASSERT_TRUE(f.a.quotes[0].speaker_span.has_value());
  EXPECT_EQ(f.a.body.substr(f.a.quotes[0].speaker_span->start, 9), "Anna Berg");
  EXPECT_TRUE(f.a.quotes_done);
}

TEST(Attribution, InvertedSaidWithTitle) {
  Fixture f("\"Prices will rise again soon,\" said Brightwater analyst Tom Kale, who follows Norlux Energy.",
            {{"Tom Kale", "PER"}, {"Brightwater", "ORG"}, {"Norlux Energy", "ORG"}});
  EXPECT_EQ(run(f), (Pairs{{"Tom Kale", "Prices will rise again soon,"}}));
}

TEST(Attribution, AccordingTo) {
  Fixture f("The plan is \"a reckless gamble with public money\", according to Lena Ortiz of the Civic Forum.",
            {{"Lena Ortiz", "PER"}, {"Civic Forum", "ORG"}});
  EXPECT_EQ(run(f), (Pairs{{"Lena Ortiz", "a reckless gamble with public money"}}));
}

TEST(Attribution, WroteOn) {
  Fixture f("\"The summit was a success for everyone,\" Piet Jansen wrote on social network X.", {{"Piet Jansen", "PER"}});
  EXPECT_EQ(run(f), (Pairs{{"Piet Jansen", "The summit was a success for everyone,"}}));
}

TEST(Attribution, TitleResolvesToThePersonWithThatTitle) {
  Fixture f(
      "Finance Minister Clara Voss met central bank governor Mark Held on Monday.\n\n"
      "\"We need discipline in the budget,\" the finance minister said.",
      {{"Clara Voss", "PER"}, {"Mark Held", "PER"}});
  EXPECT_EQ(run(f), (Pairs{{"Clara Voss", "We need discipline in the budget,"}}));
}

TEST(Attribution, PronounResolvesToNearestPerson) {
  Fixture f(
      "Mark Held left early. Clara Voss spoke after the vote.\n\n\"It was closer than we expected,\" she added.",
      {{"Clara Voss", "PER"}, {"Mark Held", "PER"}});
  EXPECT_EQ(run(f), (Pairs{{"Clara Voss", "It was closer than we expected,"}}));
}

TEST(Attribution, SplitQuoteGivesTwoItemsWithOneSpeaker) {
  Fixture f("\"We welcome talks,\" Olaf Brand said, \"but we will not accept a dictate.\"", {{"Olaf Brand", "PER"}});
  EXPECT_EQ(run(f), (Pairs{{"Olaf Brand", "We welcome talks,"}, {"Olaf Brand", "but we will not accept a dictate."}}));
}

TEST(Attribution, FollowOnQuoteKeepsTheSpeaker) {
  Fixture f("\"I missed kicks like that before,\" Moloney said. \"Today I did not miss.\"\n\nOthers left.",
            {{"Moloney", "PER"}});
  EXPECT_EQ(run(f), (Pairs{{"Moloney", "I missed kicks like that before,"}, {"Moloney", "Today I did not miss."}}));
}

TEST(Attribution, ColonParagraphIntroducesTheQuote) {
  Fixture f("Judge Ada Ross turned to the defendant:\n\n\"You acted out of greed, not out of need.\"",
            {{"Ada Ross", "PER"}});
  EXPECT_EQ(run(f), (Pairs{{"Ada Ross", "You acted out of greed, not out of need."}}));
}

TEST(Attribution, ScareQuotesAreDropped) {
  Fixture f("The so-called \"reform\" was delayed. Critics called it \"a farce\" and Mara Lind stayed \"very calm\".",
            {{"Mara Lind", "PER"}});
  EXPECT_TRUE(run(f).empty());
}

TEST(Attribution, ShortQuoteAttributedInItsSentenceIsKept) {
  Fixture f("Mara Lind said the firm \"deeply regrets\" the error.", {{"Mara Lind", "PER"}});
  EXPECT_EQ(run(f), (Pairs{{"Mara Lind", "deeply regrets"}}));
}

TEST(Attribution, GermanFrenchSpanish) {
  Fixture de("„Das Urteil ist nicht nachvollziehbar“, sagte Jörg Brandt.", {{"Jörg Brandt", "PER"}},
             "de");
  EXPECT_EQ(run(de), (Pairs{{"Jörg Brandt", "Das Urteil ist nicht nachvollziehbar"}}));
  Fixture fr("« Nous sommes prêts à signer », a déclaré Marie Dupont.",
             {{"Marie Dupont", "PER"}}, "fr");
  EXPECT_EQ(run(fr), (Pairs{{"Marie Dupont", "Nous sommes prêts à signer"}}));
  Fixture es("Lucía Pérez habló con la prensa. «Tenemos un compromiso claro», dijo.",
             {{"Lucía Pérez", "PER"}}, "es");
  EXPECT_EQ(run(es), (Pairs{{"Lucía Pérez", "Tenemos un compromiso claro"}}));
}

TEST(Attribution, SurnameMentionGivesCanonicalName) {
  Fixture f("Olaf Brand arrived late.\n\n\"We are ready for the talks,\" Brand said.", {{"Olaf Brand", "PER"}});
  f.alias("Brand", "Olaf Brand");
  EXPECT_EQ(run(f), (Pairs{{"Olaf Brand", "We are ready for the talks,"}}));
}

TEST(Attribution, IndefiniteDescriptionStaysUnattributed) {
  Fixture f("Clara Voss left.\n\n\"The line will reopen on Friday,\" a company spokesman said.", {{"Clara Voss", "PER"}});
  EXPECT_EQ(run(f), (Pairs{{"", "The line will reopen on Friday,"}}));
}

TEST(Attribution, OrganisationDescriptionIsNotAPerson) {
  Fixture f("Tom Kale praised Norlux Energy on Monday.\n\n\"We expect a full recovery by June,\" the company said.",
            {{"Tom Kale", "PER"}, {"Norlux Energy", "ORG"}});
  EXPECT_EQ(run(f), (Pairs{{"Norlux Energy", "We expect a full recovery by June,"}}));
  Fixture g("Ada Ross joined in 1990.\n\n\"We never gave up on this town,\" the 61-year-old said.", {{"Ada Ross", "PER"}});
  EXPECT_EQ(run(g), (Pairs{{"Ada Ross", "We never gave up on this town,"}}));
}

TEST(Stage, QuoteTargetsAndEntitySentiment) {
  Fixture f("\"Norlux has let its customers down badly,\" said Tom Kale. Norlux declined to comment.",
            {{"Tom Kale", "PER"}, {"Norlux", "ORG"}});
  run(f);
  ASSERT_EQ(f.a.quotes.size(), 1u);
  ASSERT_EQ(f.a.quotes[0].targets.size(), 1u);
  EXPECT_EQ(f.a.quotes[0].targets[0].entity, "Norlux");
  for (const auto& e : f.a.entities) {
    ASSERT_TRUE(e.sentiment.has_value()) << e.text;
    EXPECT_GE(e.sentiment->score, -1.0);
    EXPECT_LE(e.sentiment->score, 1.0);
  }
}

TEST(Words, RunOnSentencesAreCutIntoPiecesThatCoverEveryWord) {
  std::vector<SentenceRange> ss{{0, 10}, {10, 310}, {310, 311}};
  cap_sentence_length(ss, 128);
  const std::vector<std::pair<uint32_t, uint32_t>> want{{0, 10}, {10, 138}, {138, 266}, {266, 310}, {310, 311}};
  ASSERT_EQ(ss.size(), want.size());
  for (size_t i = 0; i < ss.size(); ++i) EXPECT_EQ(std::make_pair(ss[i].first, ss[i].last), want[i]) << i;
  std::vector<SentenceRange> short_ones{{0, 5}, {5, 133}};
  cap_sentence_length(short_ones, 128);
  EXPECT_EQ(short_ones.size(), 2u);  // 128 words is not too long
}

TEST(Stage, EntityInARunOnSentenceGetsItsSentimentFromAPieceAroundIt) {
  // No sentence mark in 3,000 words: scored piece by piece, each mention once.
  std::string body;
  for (int i = 0; i < 1000; ++i) body += i == 500 ? "Norlux failed badly " : "the plan went ";
  Fixture f(body, {{"Norlux", "ORG"}});
  run(f);
  ASSERT_TRUE(f.a.entities[0].sentiment.has_value());
}

TEST(Stage, NeverCrashesOnOddInput) {
  std::mt19937 rng(3);
  StanceAnnotator annot(zero_model(), StanceOptions{});
  const std::string marks[] = {"\"", "“", "”", "„", "«", "»", "\n\n", " ",
                               "said", "she", "Ann", ".", ",", ":", "‘", "’", "according to",
                               "Minister ", "Mr ", " van ", "'s", "Dr.", "GMP ", "the company ", "She ", "Lee "};
  for (int round = 0; round < 2000; ++round) {
    Article a;
    for (int k = 0; k < 40; ++k) a.body += marks[rng() % std::size(marks)];
    Entity e;
    e.type = round % 2 ? "PER" : "ORG";
    e.canonical = "Ann";
    for (int k = 0; k < 3; ++k) {
      const uint32_t s = rng() % (a.body.size() + 5);
      e.mentions.push_back(Span{Field::body, s, s + static_cast<uint32_t>(rng() % 6)});  // may be out of range
    }
    a.entities.push_back(e);
    EXPECT_NO_THROW(annot.annotate(a));
  }
  Article empty;
  EXPECT_NO_THROW(annot.annotate(empty));
  EXPECT_TRUE(empty.quotes.empty());
}

TEST(Sentiment, ModelRoundTripAndLexicon) {
  SentimentModel m(12);
  m.weights()[5] = 0.75f;
  m.weights()[301] = -1.5f;
  std::vector<Word> toks;
  tokenize("good good bad", toks);
  m.lexicon().add(toks, 2);
  m.lexicon().add(toks, 2);
  m.lexicon().add(toks, 0);
  m.lexicon().finish(1);
  const auto path = (std::filesystem::temp_directory_path() / "stance_model_test.bin").string();
  m.save(path);
  const SentimentModel r = SentimentModel::load(path);
  EXPECT_NEAR(const_cast<SentimentModel&>(r).weights()[5], 0.75f, 1e-3);
  EXPECT_NEAR(const_cast<SentimentModel&>(r).weights()[301], -1.5f, 1e-3);
  ASSERT_EQ(r.lexicon().entries().size(), 2u);
  const Lexicon::Entry* good = r.lexicon().find(word_hash("good"));
  ASSERT_NE(good, nullptr);
  EXPECT_GT(good->polarity, 0.0f);
  std::filesystem::remove(path);
  EXPECT_THROW(SentimentModel::load("/nonexistent/model.bin"), std::runtime_error);
}

// A model trained on a tiny invented corpus (see TrainsOnInventedDataAndHandlesNegation).
std::shared_ptr<const SentimentModel> invented_model();

TEST(Sentiment, TrainsOnInventedDataAndHandlesNegation) {
  const auto model = invented_model();
  SentimentScorer sc(model);
  ScoreScratch scratch;
  auto probs = [&](const std::string& s) {
    std::vector<Word> t;
    tokenize(s, t);
    const ByteRange r{0, 7};
    return sc.score(t, std::span<const ByteRange>(&r, 1), scratch);
  };
  const Probs good = probs("Ann Lee was praised for brilliant work.");
  const Probs bad = probs("Ann Lee was condemned for a terrible failure.");
  const Probs negated = probs("Ann Lee did not win a brilliant award.");
  EXPECT_EQ(to_sentiment(good).polarity, Polarity::positive);
  EXPECT_EQ(to_sentiment(bad).polarity, Polarity::negative);
  EXPECT_LT(negated[2], probs("Ann Lee won a brilliant award.")[2]);
}

std::shared_ptr<const SentimentModel> invented_model() {
  // The learner must pick up the words and the negation scope.
  const char* pos[] = {"praised for the excellent work", "celebrated a great victory", "won a brilliant award",
                       "was hailed as a hero", "delivered strong results"};
  const char* neg[] = {"blamed for the terrible failure", "condemned for the corrupt deal", "lost a disastrous vote",
                       "was accused of fraud", "delivered weak results"};
  const char* neu[] = {"met officials on Tuesday", "travelled to the capital", "spoke at the meeting",
                       "will visit the plant", "is based in the city"};
  FeatureExtractor fx;
  std::vector<std::vector<uint64_t>> x;
  std::vector<int> y;
  auto add = [&](const std::string& rest, int label) {
    const std::string s = "Ann Lee " + rest + ".";
    std::vector<Word> t;
    tokenize(s, t);
    std::vector<TokenRange> r{{0, 2}};
    std::vector<uint64_t> f;
    fx.extract(t, r, nullptr, f);
    x.push_back(f);
    y.push_back(label);
  };
  for (int rep = 0; rep < 4; ++rep) {
    for (auto* p : pos) add(p, 2);
    for (auto* n : neg) add(n, 0);
    for (auto* n : neu) add(n, 1);
    add("did not win a brilliant award", 0);
    add("was not praised for the work", 0);
  }
  TrainParams p;
  p.bits = 14;
  p.epochs = 10;
  p.lr = 0.1;
  return std::make_shared<const SentimentModel>(train_model(x, y, p));
}

// Stance targets beyond the names in the quote, and the tagger slips that are never targets.
std::vector<std::string> targets_of(Fixture& f, std::shared_ptr<const SentimentModel> model) {
  StanceAnnotator annot(std::move(model), StanceOptions{});
  annot.annotate(f.a);
  std::vector<std::string> out;
  for (const auto& q : f.a.quotes)
    for (const auto& t : q.targets) out.push_back(q.speaker + "|" + t.entity + "|" + std::string(to_string(t.polarity)));
  return out;
}

TEST(StanceTargets, DescriptionStandsForTheOrganisationNamedBefore) {
  Fixture f("Norvik Mining destroyed the site. Norvik Mining appealed.\n\n"
            "\"The company was condemned for the terrible failure,\" said Ada Ross.",
            {{"Norvik Mining", "ORG"}, {"Ada Ross", "PER"}});
  EXPECT_EQ(targets_of(f, invented_model()), (std::vector<std::string>{"Ada Ross|Norvik Mining|negative"}));
}

TEST(StanceTargets, PronounStandsForThePersonNamedBeforeNotTheSpeaker) {
  Fixture f("Lia Berg won the race. Her coach Tom Vik watched.\n\n\"She was praised for the excellent work,\" said Vik.",
            {{"Lia Berg", "PER"}, {"Vik", "PER"}});
  EXPECT_EQ(targets_of(f, invented_model()), (std::vector<std::string>{"Tom Vik|Lia Berg|positive"}));
}

TEST(StanceTargets, NoNeutralTargetNamedOnceAndNoPronounSlips) {
  // A neutral target must be named at least twice in the article.
  const auto model = invented_model();
  Fixture once("\"Brightwater met officials on Tuesday,\" said Ada Ross.", {{"Brightwater", "ORG"}, {"Ada Ross", "PER"}});
  EXPECT_TRUE(targets_of(once, model).empty());
  Fixture twice("Brightwater called.\n\n\"Brightwater met officials on Tuesday,\" said Ada Ross.",
                {{"Brightwater", "ORG"}, {"Ada Ross", "PER"}});
  EXPECT_EQ(targets_of(twice, model), (std::vector<std::string>{"Ada Ross|Brightwater|neutral"}));
  Fixture slip("Ik ging weg. \"Ik had geen benen vandaag, echt niet,\" zei Sanne Kuip.", {{"Ik", "ORG"}, {"Sanne Kuip", "PER"}},
               "nl");
  EXPECT_TRUE(targets_of(slip, zero_model()).empty());
}

TEST(NewsMtsc, ArticleKeysAndOffsets) {
  EXPECT_EQ(article_key("allsides_1018_408_1_Hillary Clinton_2_17"), "allsides_1018_408");
  EXPECT_EQ(article_key("polusa_v1_113704059_-1_35_Northam_148_155"), "polusa_v1_113704059_-1");
  const std::string s = "Café Zoë met Ann";  // two 2-byte code points
  EXPECT_EQ(cp_to_byte(s, 4), 5u);
  EXPECT_EQ(cp_to_byte(s, 13), s.size() - 3);
  EXPECT_EQ(cp_to_byte(s, 1000), s.size());
  // The holdout is a deterministic function of the key.
  EXPECT_EQ(in_holdout("allsides_1_2", 7, 15), in_holdout("allsides_1_2", 7, 15));
}

TEST(StageFactory, ReadsSettingsAndRejectsBadModel) {
  YAML::Node n = YAML::Load("{model: /nonexistent/sentiment.bin}");
  Settings s(n, "stance");
  EXPECT_THROW(make_stance_stage(s), ConfigError);
  const std::string model = std::string(NEWSFLOW_SOURCE_DIR) + "/config/models/sentiment-en.bin";
  if (!std::filesystem::exists(model)) GTEST_SKIP() << "no trained model in the tree";
  YAML::Node ok = YAML::Load("{model: " + model + ", scare_quote_max_words: 2}");
  Settings s2(ok, "stance");
  auto stage = make_stance_stage(s2);
  EXPECT_EQ(stage->name(), "stance");
  EXPECT_NO_THROW(s2.finish());
}

// Speakers the entity tagger missed, typed wrongly or cut short: the name as written next to the
// speech verb is the speaker, titles stripped, surnames completed from the article.
TEST(SpeakerNames, UntaggedNameNextToTheVerb) {
  Fixture f("\"Europe is ready to lead,\" NATO Secretary General Mara Lindqvist wrote on social network X.",
            {{"NATO", "ORG"}});
  EXPECT_EQ(run(f), (Pairs{{"Mara Lindqvist", "Europe is ready to lead,"}}));
  Fixture g("\"The waiting lists are falling,\" said Health Secretary Rhona Hallam. \"But not fast enough.\"",
            {{"Health Secretary Rhona Hallam", "ORG"}});
  EXPECT_EQ(run(g), (Pairs{{"Rhona Hallam", "The waiting lists are falling,"}, {"Rhona Hallam", "But not fast enough."}}));
}

TEST(SpeakerNames, TitledPersonResolvesPronounsAndSurnames) {
  Fixture f("Judge Ada Rossiter dismissed the claim. Delivering her ruling, she said:\n\n\"The firm knew the risks.\"",
            {{"Judge Ada Rossiter", "ORG"}});
  EXPECT_EQ(run(f), (Pairs{{"Ada Rossiter", "The firm knew the risks."}}));
  Fixture nl("Haar coach Pim Zwart van Team Noord was lovend. \"Ze schaatste een perfecte race,\" aldus Zwart.",
             {{"Zwart", "LOC"}}, "nl");
  EXPECT_EQ(run(nl), (Pairs{{"Pim Zwart", "Ze schaatste een perfecte race,"}}));
}

TEST(SpeakerNames, DescriptionThenNameInApposition) {
  Fixture pt("\"Estamos diante de uma epidemia grave\", afirmou o secretário municipal da Saúde, Rui Tavares Leme.",
             {{"Saúde", "PER"}}, "pt");
  EXPECT_EQ(run(pt), (Pairs{{"Rui Tavares Leme", "Estamos diante de uma epidemia grave"}}));
  Fixture pt2("\"A gente limpa o quintal, mas o vizinho não limpa\", disse a aposentada Rita das Dores Lima, 68 anos.",
              {{"Rita", "PER"}}, "pt");
  EXPECT_EQ(run(pt2), (Pairs{{"Rita das Dores Lima", "A gente limpa o quintal, mas o vizinho não limpa"}}));
  Fixture pl("„To historyczny dzień dla firmy”, powiedział prezes GMP Marek Sadło.", {{"GMP Marek Sadło", "ORG"}}, "pl");
  EXPECT_EQ(run(pl), (Pairs{{"Marek Sadło", "To historyczny dzień dla firmy"}}));
}

TEST(SpeakerNames, GermanTitleCompoundAndColon) {
  Fixture de(
      "Die Vorsitzende Richterin Birte Carlsen wandte sich an den Angeklagten:\n\n„Sie haben aus Gier gehandelt.“\n\n"
      "Sein Verteidiger Malte Oberhaus kündigte Revision an. „Das Urteil ist nicht nachvollziehbar“, sagte Oberhaus.",
      {{"Richterin", "PER"}, {"Carlsen", "PER"}, {"Oberhaus", "LOC"}}, "de");
  EXPECT_EQ(run(de), (Pairs{{"Birte Carlsen", "Sie haben aus Gier gehandelt."},
                            {"Malte Oberhaus", "Das Urteil ist nicht nachvollziehbar"}}));
}

TEST(SpeakerNames, NotAName) {
  // A description, an organisation, a pronoun the tagger marked as a person, a sentence opener.
  Fixture f("Clara Voss met the premier.\n\n\"We need discipline,\" the British Prime Minister said.",
            {{"Clara Voss", "PER"}});
  EXPECT_EQ(run(f), (Pairs{{"Clara Voss", "We need discipline,"}}));
  Fixture g("Tom Kale left.\n\n\"Demand for steel is weak,\" Reuters reported.", {{"Tom Kale", "PER"}, {"Reuters", "ORG"}});
  EXPECT_EQ(run(g), (Pairs{{"Reuters", "Demand for steel is weak,"}}));
  Fixture h("Voor titelverdedigster Sanne Kuip was het een zware dag. Zij werd zevende. \"Ik had geen benen,\" zei ze.",
            {{"Zij", "PER"}}, "nl");
  EXPECT_EQ(run(h), (Pairs{{"Sanne Kuip", "Ik had geen benen,"}}));
  Fixture k("Ministers met on Monday. And Norway said it was \"one of the best meetings we can recall\".",
            {{"Norway", "LOC"}});
  EXPECT_EQ(run(k), (Pairs{{"", "one of the best meetings we can recall"}}));
}

TEST(SpeakerNames, WithoutAnyEntitiesTheNameAsWrittenIsTheSpeaker) {
  // No entity stage at all: the surname speaker is completed from the full name written earlier.
  Fixture f("National Unity, led by Raimo Ozols, campaigned on energy bills. \"We are the real winners of this "
            "election,\" Ozols told reporters. \"The lads did the hard work,\" said Kian Molloy.",
            {});
  EXPECT_EQ(run(f), (Pairs{{"Raimo Ozols", "We are the real winners of this election,"},
                           {"Kian Molloy", "The lads did the hard work,"}}));
  // An organisation named in full elsewhere is no person: "Group Menatep", "European Commission".
  Fixture g("The European Commission opened a case.\n\n\"The process may go on for some time yet,\" Commission said. "
            "\"Its stake has gone to virtually nothing,\" Group Menatep said.",
            {});
  EXPECT_EQ(run(g), (Pairs{{"", "The process may go on for some time yet,"}, {"", "Its stake has gone to virtually nothing,"}}));
}

TEST(SpeakerNames, FrenchSpanishGermanWithoutEntities) {
  Fixture fr("« Nous sommes prêts à signer l'accord », a déclaré la ministre Claire Dubois.", {}, "fr");
  EXPECT_EQ(run(fr), (Pairs{{"Claire Dubois", "Nous sommes prêts à signer l'accord"}}));
  Fixture es("«Tenemos un compromiso con fechas claras», dijo el presidente Pedro Alba Ruiz.", {}, "es");
  EXPECT_EQ(run(es), (Pairs{{"Pedro Alba Ruiz", "Tenemos un compromiso con fechas claras"}}));
  Fixture de("„Wir werden die Förderung prüfen“, sagte Finanzminister Jens Kramer. „Das braucht aber noch etwas Zeit.“", {}, "de");
  EXPECT_EQ(run(de), (Pairs{{"Jens Kramer", "Wir werden die Förderung prüfen"}, {"Jens Kramer", "Das braucht aber noch etwas Zeit."}}));
}

TEST(SpeakerNames, TitleWithOfBeforeTheName) {
  Fixture f("\"This is the first time there has been a mention of it,\" said UK Chancellor of the Exchequer Gordon Brand.",
            {{"UK", "LOC"}});
  EXPECT_EQ(run(f), (Pairs{{"Gordon Brand", "This is the first time there has been a mention of it,"}}));
}

TEST(SpeakerNames, OwnerIsNotTheSpeaker) {
  Fixture f("\"The issue had been ongoing for some time,\" says Deutsche Bank's Simon Champ.", {{"Deutsche Bank", "ORG"}});
  EXPECT_EQ(run(f), (Pairs{{"Simon Champ", "The issue had been ongoing for some time,"}}));
  Fixture g("Why the calm? \"The issue had been ongoing for some time,\" says Deutsche Bank's Simon Champion.",
            {{"Deutsche Bank", "ORG"}, {"Simon Champion", "PER"}});  // a surname that is also a title word
  EXPECT_EQ(run(g), (Pairs{{"Simon Champion", "The issue had been ongoing for some time,"}}));
}

TEST(SpeakerNames, NextSentenceAccordingToIsNotTheSpeaker) {
  Fixture f("\"Turkey will not be a burden.\" Turkey would pay 6bn euros, according to the State Planning Office.",
            {{"Turkey", "LOC"}, {"State Planning Office", "ORG"}});
  EXPECT_EQ(run(f), (Pairs{{"", "Turkey will not be a burden."}}));
}
