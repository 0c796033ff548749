#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "core/resources.h"
#include "stages/entities/conll_io.h"
#include "stages/entities/entities_stage.h"
#include "stages/entities/fold.h"
#include "stages/entities/linker.h"
#include "stages/entities/ner_eval.h"
#include "stages/entities/ner_train.h"
#include "stages/entities/watchlist.h"

using namespace newsflow;
using namespace newsflow::entities;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("nf_entities_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary) << s;
}

std::string testdata(const std::string& f) { return std::string(NEWSFLOW_SOURCE_DIR) + "/src/stages/entities/testdata/" + f; }

const char* kWatch = R"(id: test
version: "7"
entities:
  - id: eu
    type: ORG
    name: European Union
    aliases:
      en: [EU, European Union]
      fr: [Union européenne, UE]
  - id: who
    type: ORG
    name: World Health Organization
    aliases: [WHO, World Health Organization]
)";

std::string span_text(const Article& a, const Span& s) { return std::string(a.text(s.field).substr(s.start, s.end - s.start)); }

}  // namespace

TEST(Fold, LowerAndStripDiacritics) {
  std::string out;
  fold("Zürich ÉCOLE Łódź", out);
  EXPECT_EQ(out, "zurich ecole lodz");
  lower("ÄBC", out);
  EXPECT_EQ(out, "äbc");
}

TEST(Conll, ReadsIob1AndConvertsToIob2) {
  const auto dir = temp_dir("conll");
  write(dir / "a.conll", "-DOCSTART- -X- O O\n\nAnn NNP I-NP I-PER\nLee NNP I-NP I-PER\nBob NNP I-NP B-PER\nsaw VB O O\n\n");
  ConllCorpus c;
  std::string err;
  ASSERT_TRUE(read_conll((dir / "a.conll").string(), ConllFormat::conll, 20, c, err)) << err;
  ASSERT_EQ(c.docs.size(), 1u);
  auto& d = c.docs[0];
  ASSERT_EQ(d.tokens.size(), 4u);
  std::vector<Chunk> ch;
  chunks(d.tags, 0, ch);  // IOB1 read directly
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_EQ(ch[0].first, 0u);
  EXPECT_EQ(ch[0].last, 2u);
  EXPECT_EQ(ch[1].first, 2u);
  to_iob2(d.sentences, d.tags);
  EXPECT_EQ(label_name(d.tags[0]), "B-PER");
  EXPECT_EQ(label_name(d.tags[1]), "I-PER");
  EXPECT_EQ(label_name(d.tags[2]), "B-PER");
  EXPECT_FALSE(read_conll((dir / "missing").string(), ConllFormat::conll, 20, c, err));
}

TEST(Conll, WikiannAndGermevalFormats) {
  const auto dir = temp_dir("formats");
  write(dir / "w", "de:Karl\tB-PER\nde:in\tO\nde:Ulm\tB-LOC\n\n");
  write(dir / "g", "# src\n1\tFrau\tO\tO\n2\tKarl\tB-PER\tO\n3\tdeutsche\tB-LOCderiv\tO\n4\tUlm-Nord\tB-LOCpart\tO\n5\tOTHX\tB-OTH\tO\n\n");
  ConllCorpus c;
  std::string err;
  ASSERT_TRUE(read_conll((dir / "w").string(), ConllFormat::wikiann, 1, c, err)) << err;
  EXPECT_EQ(c.docs[0].tokens[0], "Karl");
  EXPECT_EQ(label_name(c.docs[0].tags[2]), "B-LOC");
  ASSERT_TRUE(read_conll((dir / "g").string(), ConllFormat::germeval, 1, c, err)) << err;
  EXPECT_EQ(c.docs[0].tokens[1], "Karl");
  EXPECT_EQ(label_name(c.docs[0].tags[2]), "B-MISC");  // deriv -> MISC
  EXPECT_EQ(label_name(c.docs[0].tags[3]), "O");       // part -> O
  EXPECT_EQ(label_name(c.docs[0].tags[4]), "B-MISC");  // OTH -> MISC
}

TEST(Scores, ConllevalCounting) {
  // gold: [PER 0-2] [LOC 3]; pred: [PER 0-1] [LOC 3]
  const std::vector<Sentence> s = {{0, 4}};
  const std::vector<uint8_t> gold = {1, 2, 0, 5}, pred = {1, 0, 0, 5};
  NerScores sc;
  sc.add(s, gold, pred);
  EXPECT_DOUBLE_EQ(sc.precision(), 0.5);
  EXPECT_DOUBLE_EQ(sc.recall(), 0.5);
  EXPECT_DOUBLE_EQ(sc.f1(0), 0.0);
  EXPECT_DOUBLE_EQ(sc.f1(2), 1.0);
}

TEST(NerTrain, LearnsFixtureAndRoundTrips) {
  const auto dir = temp_dir("train");
  TrainOptions o;
  o.train_path = testdata("tiny.conll");
  o.dev_path = testdata("tiny.conll");
  o.out_path = (dir / "m.bin").string();
  o.bits = 14;
  o.epochs = 8;
  o.iso_codes_dir = (dir / "none").string();  // no external lists: hermetic
  std::ostringstream log;
  TrainResult r;
  std::string err;
  ASSERT_TRUE(train_ner(o, log, r, err)) << err;
  EXPECT_GT(r.dev_f1, 0.95) << log.str();  // a separable training set is learnt
  auto m = NerModel::load(o.out_path, err);
  ASSERT_TRUE(m) << err;
  NerDoc doc;
  doc.tokens = {"Mara", "Quell", "visited", "Brindle", "on", "Monday", "."};
  doc.sentences = {{0, 7}};
  std::vector<uint8_t> labels;
  NerScratch sc;
  m->tag(doc, labels, sc);
  EXPECT_EQ(label_name(labels[0]), "B-PER");
  EXPECT_EQ(label_name(labels[1]), "I-PER");
  EXPECT_EQ(label_name(labels[3]), "B-LOC");
  EXPECT_EQ(labels[2], 0);
  // Same seed, same bytes.
  TrainOptions o2 = o;
  o2.out_path = (dir / "m2.bin").string();
  ASSERT_TRUE(train_ner(o2, log, r, err)) << err;
  std::ifstream a(o.out_path, std::ios::binary), b(o2.out_path, std::ios::binary);
  std::string sa((std::istreambuf_iterator<char>(a)), {}), sb((std::istreambuf_iterator<char>(b)), {});
  EXPECT_EQ(sa, sb);
  write(dir / "bad.bin", "NFNER003 garbage");
  EXPECT_FALSE(NerModel::load((dir / "bad.bin").string(), err));
  EXPECT_FALSE(err.empty());
}

TEST(Lexicon, WordListClassesRoundTripAndFeedTokens) {
  const auto dir = temp_dir("lexicon");
  write(dir / "words", "# comment\nHaus\nlaufen\n\u00d6l\n\u00f6l\nEU\r\n");
  Lexicon lex;
  ASSERT_EQ(read_word_list((dir / "words").string(), lex), 5);
  EXPECT_EQ(lex.size(), 4u);  // Öl and öl share one entry
  EXPECT_EQ(lex.get(hash("haus")), Lexicon::kCapital);
  EXPECT_EQ(lex.get(hash("laufen")), Lexicon::kLower);
  EXPECT_EQ(lex.get(hash("\u00f6l")), Lexicon::kLower | Lexicon::kCapital);
  EXPECT_EQ(lex.get(hash("eu")), Lexicon::kCapital);  // the CR was stripped
  EXPECT_EQ(lex.get(hash("berlin")), 0);
  EXPECT_EQ(read_word_list((dir / "missing").string(), lex), -1);

  std::FILE* f = std::fopen((dir / "lex.bin").c_str(), "wb");
  ASSERT_TRUE(f);
  lex.write(f);
  std::fclose(f);
  Lexicon back;
  f = std::fopen((dir / "lex.bin").c_str(), "rb");
  ASSERT_TRUE(f);
  ASSERT_TRUE(back.read(f));
  std::fclose(f);
  EXPECT_EQ(back.size(), lex.size());
  EXPECT_EQ(back.get(hash("haus")), Lexicon::kCapital);
  EXPECT_EQ(back.get(hash("berlin")), 0);

  NerDoc doc;
  doc.tokens = {"Das", "Haus", "Quell"};
  doc.sentences = {{0, 3}};
  std::vector<TokInfo> info;
  std::string buf;
  token_info(doc, nullptr, nullptr, &back, info, buf);
  EXPECT_EQ(info[1].lex, Lexicon::kCapital);
  EXPECT_EQ(info[2].lex, 0);
}

TEST(NerFeatures, NewGroupsAddTheirFeatures) {
  // "Brasil" twice: context aggregation gives each occurrence the neighbours of the other one.
  NerDoc doc;
  doc.tokens = {"Brasil", "ganó", ".", "el", "Brasil", "de", "Pelé", "dijo", "\"", "Hola", "\"", "."};
  doc.sentences = {{0, 3}, {3, 12}};
  std::vector<TokInfo> info;
  std::string buf;
  token_info(doc, nullptr, nullptr, nullptr, info, buf);
  EXPECT_EQ(info[9].quote & 1, 1);  // inside the quotation marks
  EXPECT_EQ(info[7].quote, 0);
  auto count = [&](uint32_t groups, size_t tok) {
    std::vector<uint32_t> feats;
    token_features(doc, info, groups, {}, (1u << 16) - 1, feats);
    size_t n = 0;
    for (size_t k = 0; k < static_cast<size_t>(kMaxFeats); ++k) n += feats[tok * kMaxFeats + k] != UINT32_MAX;
    return n;
  };
  const uint32_t base = fg_affix | fg_context2;
  EXPECT_EQ(count(base | fg_ctx_agg, 0), count(base, 0) + 2);  // "el" before and "de" after the other one
  EXPECT_EQ(count(base | fg_ctx_agg, 1), count(base, 1));      // lowercase words get none
  EXPECT_EQ(count(base | fg_run, 4), count(base, 4) + 2);      // run "Brasil de Pelé": length, last word
  EXPECT_GT(count(base | fg_bow, 4), count(base, 4));
  EXPECT_EQ(count(base | fg_quotes, 9), count(base, 9) + 2);
}

TEST(NerTrain, WordListIsStoredOrItsAbsenceFailsFast) {
  const auto dir = temp_dir("train_lex");
  write(dir / "words", "visited\non\nmonday\ncouncil\nmet\n");
  TrainOptions o;
  o.train_path = testdata("tiny.conll");
  o.dev_path = testdata("tiny.conll");
  o.out_path = (dir / "m.bin").string();
  o.bits = 14;
  o.epochs = 4;
  o.iso_codes_dir = (dir / "none").string();
  o.word_list = (dir / "words").string();
  std::ostringstream log;
  TrainResult r;
  std::string err;
  ASSERT_TRUE(train_ner(o, log, r, err)) << err;
  auto m = NerModel::load(o.out_path, err);
  ASSERT_TRUE(m) << err;
  EXPECT_TRUE(m->groups() & fg_lexicon);
  EXPECT_EQ(m->lex_.size(), 5u);
  EXPECT_EQ(m->lex_.get(hash("council")), Lexicon::kLower);
  o.word_list = (dir / "missing").string();
  EXPECT_FALSE(train_ner(o, log, r, err));
  EXPECT_NE(err.find("missing"), std::string::npos) << err;
}

TEST(Watchlist, MatchesFoldedAndGuardsShortAliases) {
  WatchlistSet w;
  std::string err;
  ASSERT_TRUE(w.add_yaml(kWatch, "t", err)) << err;
  auto run = [&](std::string_view text) {
    std::vector<Token> toks;
    tokenize(text, toks);
    std::vector<WatchMatch> out;
    std::vector<uint64_t> folded;
    std::string buf;
    w.match(text, toks, out, folded, buf);
    std::vector<std::string> r;
    for (const auto& m : out) {
      r.push_back(w.entities()[m.entity].id + ":" +
                  std::string(text.substr(toks[m.first].start, toks[m.last - 1].end - toks[m.first].start)));
    }
    return r;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(run("The EU and the european union"), (V{"eu:EU", "eu:european union"}));
  EXPECT_EQ(run("la Union europeenne et l'UE"), (V{"eu:Union europeenne", "eu:UE"}));
  EXPECT_EQ(run("who said eu or Who?"), V{});  // guarded: exact case only
  EXPECT_EQ(run("WHO warned"), V{"who:WHO"});
  EXPECT_EQ(run("the World Health Organization's view"), V{"who:World Health Organization"});
}

TEST(Watchlist, RejectsBadFilesWithClearErrors) {
  std::string err;
  WatchlistSet a;
  EXPECT_FALSE(a.add_yaml("id: x\nversion: 1\nentities: [{id: a, type: BOGUS, name: A}]\n", "f.yaml", err));
  EXPECT_NE(err.find("f.yaml: entities[0]"), std::string::npos) << err;
  WatchlistSet b;
  EXPECT_FALSE(b.add_yaml("id: x\nversion: 1\nentities: [{id: a, type: ORG, name: A, colour: red}]\n", "f.yaml", err));
  EXPECT_NE(err.find("colour"), std::string::npos) << err;
  WatchlistSet c;
  EXPECT_FALSE(c.add_yaml("id: x\nentities: [{id: a, type: ORG, name: A}]\n", "f.yaml", err));
  WatchlistSet d;
  EXPECT_FALSE(d.add_yaml("{{{", "f.yaml", err));
  EXPECT_NE(err.find("YAML"), std::string::npos);
}

TEST(Linker, SurnamesAcronymsAndSalience) {
  Article a;
  a.title = "Scholz meets FT";
  a.body = "Olaf Scholz spoke to the Financial Times. Later Scholz left.";
  static const std::vector<std::string_view> scholz = {"Scholz"}, ft = {"FT"}, olaf = {"Olaf", "Scholz"},
                                              times = {"Financial", "Times"};
  auto m = [&](Field f, std::string_view text, const std::vector<std::string_view>& words, int type) {
    const std::string_view src = a.text(f);
    const auto pos = static_cast<uint32_t>(src.find(text));
    return Mention{f, pos, pos + static_cast<uint32_t>(text.size()), words, type, -1, 0};
  };
  std::vector<Mention> ms = {
      m(Field::title, "Scholz", scholz, 0),
      m(Field::title, "FT", ft, 1),
      m(Field::body, "Olaf Scholz", olaf, 0),
      m(Field::body, "Financial Times", times, 1),
  };
  const auto later = static_cast<uint32_t>(a.body.rfind("Scholz"));
  ms.push_back(Mention{Field::body, later, later + 6, scholz, 2, -1, 0});  // mistyped as LOC
  std::vector<Entity> out;
  link_mentions(ms, nullptr, a, 40, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].canonical, "Olaf Scholz");
  EXPECT_EQ(out[0].type, "PER");
  EXPECT_EQ(out[0].count, 3u);
  EXPECT_EQ(out[0].mentions[0].field, Field::title);
  EXPECT_EQ(out[1].canonical, "Financial Times");
  EXPECT_EQ(out[1].count, 2u);
  EXPECT_GT(out[0].salience, out[1].salience);
  EXPECT_NEAR(out[0].salience + out[1].salience, 1.0, 1e-3);
}

class StageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_dir("stage");
    write(dir_ / "w.yaml", kWatch);
  }
  std::unique_ptr<Stage> make(int reload = 0) {
    YAML::Node n = YAML::Load("{model_dir: config/models, languages: [en], fallback: en, reload_check_seconds: 0}");
    n["watchlists"] = dir_.string();
    n["reload_check_seconds"] = reload;
    Settings s(n, "entities");
    auto st = make_entities_stage(s);
    s.finish();
    return st;
  }
  fs::path dir_;
};

TEST_F(StageTest, TagsLinksAndMatchesWatchlist) {
  auto st = make();
  Article a;
  a.title = "EU leaders meet Olaf Scholz in Berlin";
  a.body = "German Chancellor Olaf Scholz met European Union leaders in Berlin on Monday.\n\n"
           "Scholz said the EU would act. Officials from the World Health Organization attended.";
  st->process(a);
  ASSERT_TRUE(a.entities_done);
  const Entity* eu = nullptr;
  const Entity* scholz = nullptr;
  for (const auto& e : a.entities) {
    if (e.watchlist && e.watchlist->entity_id == "eu") eu = &e;
    if (e.canonical == "Olaf Scholz") scholz = &e;
    for (const auto& m : e.mentions) {
      ASSERT_LE(m.end, a.text(m.field).size());
      ASSERT_LT(m.start, m.end);
    }
  }
  ASSERT_NE(eu, nullptr);
  EXPECT_EQ(eu->canonical, "European Union");
  EXPECT_EQ(eu->watchlist->id, "test");
  EXPECT_EQ(eu->watchlist->version, "7");
  EXPECT_EQ(eu->count, 3u);
  EXPECT_EQ(span_text(a, eu->mentions[0]), "EU");
  ASSERT_NE(scholz, nullptr) << "model did not find Olaf Scholz";
  EXPECT_EQ(scholz->type, "PER");
  EXPECT_EQ(scholz->count, 3u);  // title, body full name, body surname
}

TEST_F(StageTest, ReloadKeepsOldWatchlistOnBadFile) {
  auto st = make();
  std::string err;
  write(dir_ / "w.yaml", "id: test\nversion: 8\nentities: [{id: x, type: NOPE, name: X}]\n");
  EXPECT_FALSE(reload_watchlists(*st, err));
  EXPECT_NE(err.find("w.yaml"), std::string::npos) << err;
  Article a;
  a.body = "The EU met.";
  st->process(a);
  ASSERT_FALSE(a.entities.empty());
  ASSERT_TRUE(a.entities[0].watchlist);
  EXPECT_EQ(a.entities[0].watchlist->version, "7");
  write(dir_ / "w.yaml", "id: test\nversion: 9\nentities: [{id: acme, type: ORG, name: Acme Corp, aliases: [Acmeco]}]\n");
  ASSERT_TRUE(reload_watchlists(*st, err)) << err;
  Article b;
  b.body = "Shares in acmeco rose.";
  st->process(b);
  ASSERT_EQ(b.entities.size(), 1u);
  EXPECT_EQ(b.entities[0].canonical, "Acme Corp");
  EXPECT_EQ(b.entities[0].watchlist->version, "9");
}

TEST_F(StageTest, ListedLanguageWithoutItsModelIsAConfigError) {
  // A wrong model_dir or a typo in languages must not leave NER silently off.
  for (const char* yaml : {"{model_dir: /nonexistent, languages: [en], fallback: none}", "{languages: [en, xx], fallback: en}",
                           "{languages: [en], fallback: xx}"}) {
    YAML::Node n = YAML::Load(yaml);
    n["watchlists"] = dir_.string();
    Settings s(n, "entities");
    try {
      make_entities_stage(s);
      ADD_FAILURE() << yaml << ": no error";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("no model"), std::string::npos) << e.what();
    }
  }
}

TEST_F(StageTest, BadWatchlistAtStartIsAConfigError) {
  write(dir_ / "w.yaml", "id: [");
  EXPECT_THROW(make(), ConfigError);
}

TEST_F(StageTest, NeverCrashesOnOddInput) {
  auto st = make();
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {"EU", " ", "\n\n", "Ä", "ß", "\u00A0", "\u200D", "\U0001F600", ".", "\"",
                                           "Mr.", "U.S.", "x", "Scholz", "'s", "-", "1,000", "\u0301", "东", "\t"};
  for (int i = 0; i < 300; ++i) {
    Article a;
    const int n = static_cast<int>(rng() % 60);
    for (int k = 0; k < n; ++k) (k % 5 ? a.body : a.title) += pieces[rng() % pieces.size()];
    if (i % 7 == 0) a.language = LanguageInfo{"de", 0.9, true, {}};
    if (i % 11 == 0) a.language = LanguageInfo{"zz-Latn", 0.9, true, {}};
    st->process(a);
    EXPECT_TRUE(a.entities_done);
    for (const auto& e : a.entities) {
      for (const auto& m : e.mentions) {
        ASSERT_LE(m.end, a.text(m.field).size());
        ASSERT_LT(m.start, m.end);
      }
    }
  }
  Article empty;
  st->process(empty);
  EXPECT_TRUE(empty.entities_done);
  EXPECT_TRUE(empty.entities.empty());
}
