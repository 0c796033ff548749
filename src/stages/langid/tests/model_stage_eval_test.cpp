// The n-gram model (trained on invented fixtures), the stage factory and the eval loader.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>

#include "stages/langid/eval.h"
#include "stages/langid/exemplars.h"
#include "stages/langid/langid_stage.h"
#include "stages/langid/ngram_model.h"

namespace fs = std::filesystem;
using namespace newsflow;

namespace {
fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("langid_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}
}  // namespace

TEST(NgramModel, TrainSaveLoadAndScore) {
  const fs::path d = temp_dir("model");
  write(d / "aa.txt", "the cat sat on the mat\nthe dog and the cat\nthat is the thing\n");
  write(d / "bb.txt", "der hund und die katze\ndie katze ist nicht der hund\nund dann kam die maus\n");
  const auto m = langid::NgramModel::train(d.string(), {"aa", "bb"}, 500);
  m.save((d / "m.bin").string());
  const auto loaded = langid::NgramModel::load((d / "m.bin").string());
  EXPECT_EQ(loaded.languages(), (std::vector<std::string>{"aa", "bb"}));
  EXPECT_EQ(loaded.entries(), m.entries());
  size_t n = 0;
  auto s = loaded.score("the cat and the thing", {"aa", "bb"}, &n);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].lang, "aa");
  EXPECT_GT(n, 10u);
  s = loaded.score("die katze und der hund", {"aa", "bb", "zz"});
  ASSERT_EQ(s.size(), 2u);  // unknown candidates are skipped
  EXPECT_EQ(s[0].lang, "bb");
  EXPECT_TRUE(loaded.score("", {"aa"}).front().log_prob == 0.0);
  fs::remove_all(d);
}

TEST(NgramModel, TrainingIsDeterministic) {
  const fs::path d = temp_dir("det");
  write(d / "aa.txt", "one two three four five six seven eight nine ten\n");
  langid::NgramModel::train(d.string(), {"aa"}, 7).save((d / "a.bin").string());
  langid::NgramModel::train(d.string(), {"aa"}, 7).save((d / "b.bin").string());
  std::ifstream a(d / "a.bin", std::ios::binary), b(d / "b.bin", std::ios::binary);
  const std::string sa((std::istreambuf_iterator<char>(a)), {}), sb((std::istreambuf_iterator<char>(b)), {});
  EXPECT_EQ(sa, sb);
  fs::remove_all(d);
}

TEST(NgramModel, CorruptOrMissingFilesThrow) {
  const fs::path d = temp_dir("corrupt");
  EXPECT_THROW(langid::NgramModel::load((d / "missing.bin").string()), std::runtime_error);
  write(d / "bad.bin", "NFLIDNG1\x05");
  EXPECT_THROW(langid::NgramModel::load((d / "bad.bin").string()), std::runtime_error);
  write(d / "other.bin", "something else entirely");
  EXPECT_THROW(langid::NgramModel::load((d / "other.bin").string()), std::runtime_error);
  EXPECT_THROW(langid::NgramModel::train(d.string(), {"nope"}, 10), std::runtime_error);
  fs::remove_all(d);
}

TEST(LangidStage, FactoryReadsSettingsAndAnnotates) {
  Settings s(YAML::Load("body_prefix_bytes: 512\nuse_hint: false\n"), "langid");
  auto stage = make_langid_stage(s);
  EXPECT_NO_THROW(s.finish());
  EXPECT_EQ(stage->name(), "langid");
  EXPECT_TRUE(stage->concurrent());
  Article a;
  a.title = "Der Stadtrat beschließt den neuen Haushalt";
  a.body = "Nach einer langen Debatte über den öffentlichen Nahverkehr und die Kosten für Wohnungen hat der "
           "Stadtrat am Dienstag den Haushalt für das kommende Jahr beschlossen.";
  a.language_hint = "en";
  stage->process(a);
  ASSERT_TRUE(a.language.has_value());
  EXPECT_EQ(a.language->code, "de");
  EXPECT_TRUE(a.language->reliable);
}

TEST(LangidStage, UnknownOrBadSettingsAreRejected) {
  Settings unknown(YAML::Load("body_prefix: 512\n"), "langid");
  make_langid_stage(unknown);
  EXPECT_THROW(unknown.finish(), ConfigError);
  Settings bad(YAML::Load("body_prefix_bytes: -3\n"), "langid");
  EXPECT_THROW(make_langid_stage(bad), ConfigError);
  Settings missing_model(YAML::Load("model: /nonexistent/model.bin\n"), "langid");
  EXPECT_THROW(make_langid_stage(missing_model), std::runtime_error);
}

TEST(Eval, LoadsUdhrJsonlAndLinguaFolders) {
  const fs::path d = temp_dir("eval");
  write(d / "u.jsonl",
        "{\"lang\":\"de-1901\",\"text\":\"  Der Stadtrat hat den Haushalt beschlossen.  \"}\n"
        "{\"lang\":\"en\",\"text\":\"short\"}\n\n"
        "{\"lang\":\"fr\",\"text\":\"Le conseil municipal a approuvé le budget.\"}\n");
  langid::EvalOptions o;
  o.data = (d / "u.jsonl").string();
  o.min_chars = 10;
  auto data = langid::load_eval_data(o);
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data[0].lang, "de");
  EXPECT_EQ(data[0].text, "Der Stadtrat hat den Haushalt beschlossen.");
  o.min_chars = 0;
  o.max_chars = 5;
  EXPECT_EQ(langid::load_eval_data(o).size(), 1u);

  write(d / "lingua" / "de" / "sentences.txt", "Der Hund schläft.\nDie Katze spielt im Garten.\n");
  write(d / "lingua" / "nb" / "sentences.txt", "Hunden sover.\n");
  langid::EvalOptions l;
  l.format = "lingua";
  l.data = (d / "lingua").string();
  data = langid::load_eval_data(l);
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(data[2].lang, "nb");
  l.data = (d / "lingua" / "de" / "sentences.txt").string();
  EXPECT_EQ(langid::load_eval_data(l).size(), 2u);

  write(d / "broken.jsonl", "{\"lang\": 3}\n");
  o.data = (d / "broken.jsonl").string();
  EXPECT_THROW(langid::load_eval_data(o), std::runtime_error);
  o.data = (d / "missing.jsonl").string();
  EXPECT_THROW(langid::load_eval_data(o), std::runtime_error);
  fs::remove_all(d);
}

TEST(Eval, ScoresPrimarySubtagsAndSupport) {
  const langid::Detector det(langid::DetectorOptions{});
  const std::vector<langid::LabelledText> data{
      {"de", "Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt für das kommende Jahr beschlossen."},
      {"en", "The city council approved the new budget on Tuesday after a long debate about public transport."},
      {"qqq", "The city council approved the new budget on Tuesday after a long debate about public transport."},
  };
  const auto r = langid::evaluate(det, data);
  EXPECT_EQ(r.n, 3u);
  EXPECT_EQ(r.correct, 2u);
  EXPECT_EQ(r.n_supported, 2u);
  EXPECT_DOUBLE_EQ(r.accuracy_supported(), 1.0);
  EXPECT_EQ(r.languages_supported(), 2u);
  EXPECT_EQ(r.per_lang.at("qqq").confusions.at("en"), 1u);
}

TEST(NgramModel, ScoreAllMatchesScoreOverEveryLanguage) {
  const fs::path d = temp_dir("all");
  write(d / "aa.txt", "the cat sat on the mat\nthe dog and the cat\n");
  write(d / "bb.txt", "der hund und die katze\ndie katze ist nicht der hund\n");
  write(d / "cc.txt", "le chat et le chien\nle chien dort sur le tapis\n");
  const auto m = langid::NgramModel::train(d.string(), {"aa", "bb", "cc"}, 50);
  size_t n_all = 0, n = 0;
  const auto all = m.score_all("le chat and der hund", &n_all);
  const auto some = m.score("le chat and der hund", {"aa", "bb", "cc"}, &n);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(n_all, n);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(all[i].lang, some[i].lang);
    EXPECT_DOUBLE_EQ(all[i].log_prob, some[i].log_prob);
  }
  EXPECT_GE(all[0].log_prob, all[1].log_prob);
  EXPECT_EQ(m.score_all("le chien dort").front().lang, "cc");
  fs::remove_all(d);
}

namespace {
// CLD2 calls this list of loanwords unreliable (it guesses English): what the fallback is for.
constexpr const char* kLoanwords = "Hotel Restaurant Bar Taxi Pizza Pasta Cafe Museum Park Hotel";

langid::DetectorOptions with_fallback(const fs::path& model) {
  langid::DetectorOptions o;
  o.fallback_model_path = model.string();
  return o;
}
}  // namespace

TEST(Detector, FallbackConfirmsOrReplacesAnUnsureGuess) {
  const fs::path d = temp_dir("fallback");
  std::string loan, prose;
  for (int i = 0; i < 30; ++i) loan += "hotel restaurant bar taxi pizza pasta cafe museum park\n";
  for (int i = 0; i < 30; ++i) prose += "we went to the shop and then walked home along the river\n";
  // "aa" owns the loanwords: the fallback replaces CLD2's unsure "en" with it.
  write(d / "aa.txt", loan);
  write(d / "en.txt", prose);
  langid::NgramModel::train(d.string(), {"aa", "en"}, 500).save((d / "replace.bin").string());
  {
    langid::DetectorOptions none;
    none.fallback_model_path.clear();
    const LanguageInfo plain = langid::Detector(none).detect({}, kLoanwords, {});
    ASSERT_EQ(plain.code, "und");  // the premise: CLD2 alone is unsure
    ASSERT_FALSE(plain.alternatives.empty());
    EXPECT_EQ(plain.alternatives[0].code, "en");
  }
  const LanguageInfo replaced = langid::Detector(with_fallback(d / "replace.bin")).detect({}, kLoanwords, {});
  EXPECT_EQ(replaced.code, "aa");
  EXPECT_TRUE(replaced.reliable);
  EXPECT_DOUBLE_EQ(replaced.confidence, 0.5);  // CLD2's shares say nothing about the model's answer

  // A model with no English at all cannot score the guess: "aa" must then lead its runner-up.
  write(d / "bb.txt", prose);
  langid::NgramModel::train(d.string(), {"aa", "bb"}, 500).save((d / "no_en.bin").string());
  EXPECT_EQ(langid::Detector(with_fallback(d / "no_en.bin")).detect({}, kLoanwords, {}).code, "aa");
  langid::DetectorOptions strict = with_fallback(d / "no_en.bin");
  strict.fallback_unknown_margin = 50;  // no model leads by 50 nats per n-gram
  EXPECT_EQ(langid::Detector(strict).detect({}, kLoanwords, {}).code, "und");

  // The same words as English: the fallback agrees with CLD2's guess, which becomes the answer.
  write(d / "en.txt", loan);
  write(d / "aa.txt", prose);
  langid::NgramModel::train(d.string(), {"aa", "en"}, 500).save((d / "agree.bin").string());
  const langid::Detector agree(with_fallback(d / "agree.bin"));
  const LanguageInfo confirmed = agree.detect({}, kLoanwords, {});
  EXPECT_EQ(confirmed.code, "en");
  EXPECT_TRUE(confirmed.reliable);
  EXPECT_LE(confirmed.confidence, 0.75);
  // Too few letters to replace or confirm anything: still und.
  EXPECT_EQ(agree.detect({}, "Hotel Bar", {}).code, "und");
  fs::remove_all(d);
}

TEST(LangidStage, FallbackSettingsAreRead) {
  Settings off(YAML::Load("fallback_model: \"\"\nfallback_margin: 0.2\nfallback_min_evidence: 5\n"
                          "fallback_min_bytes: 20\nfallback_override_bytes: 40\nexemplars: \"\"\n"
                          "foreign_min_letters: 5\nforeign_min_share: 0.05\nfallback_unknown_margin: 2\n"
                          "fallback_text_bytes: 512\n"),
               "langid");
  EXPECT_NO_THROW(make_langid_stage(off));
  EXPECT_NO_THROW(off.finish());
  Settings missing(YAML::Load("fallback_model: /nonexistent/fallback.bin\n"), "langid");
  EXPECT_THROW(make_langid_stage(missing), std::runtime_error);
  Settings bad(YAML::Load("fallback_margin: -1\n"), "langid");
  EXPECT_THROW(make_langid_stage(bad), ConfigError);
  Settings bad_share(YAML::Load("foreign_min_share: 2\n"), "langid");
  EXPECT_THROW(make_langid_stage(bad_share), ConfigError);
  Settings missing_exemplars(YAML::Load("exemplars: /nonexistent/exemplars.tsv\n"), "langid");
  EXPECT_THROW(make_langid_stage(missing_exemplars), std::runtime_error);
}

TEST(Eval, DeclarationsSelectParagraphsAndRelabelThem) {
  const fs::path d = temp_dir("decl");
  write(d / "u.jsonl",
        "{\"code\":\"zlm_x\",\"lang\":\"zlm-Latn\",\"element\":\"p\",\"text\":\"Semua manusia dilahirkan bebas.\"}\n"
        "{\"code\":\"zlm_x\",\"lang\":\"zlm-Latn\",\"element\":\"h1\",\"text\":\"Perkara 1\"}\n"
        "{\"code\":\"deu_x\",\"lang\":\"de-1996\",\"text\":\"Alle Menschen sind frei geboren.\"}\n"
        "{\"code\":\"fra_x\",\"lang\":\"fr\",\"element\":\"p\",\"text\":\"Tous les êtres humains naissent libres.\"}\n"
        "{\"lang\":\"en\",\"text\":\"no declaration code\"}\n");
  write(d / "sel.tsv", "# comment\nzlm_x\tms\tMalay (Latin)\n\ndeu_x\tde-1996\n");
  langid::EvalOptions o;
  o.data = (d / "u.jsonl").string();
  o.declarations = (d / "sel.tsv").string();
  const auto data = langid::load_eval_data(o);
  ASSERT_EQ(data.size(), 2u);  // the h1 heading, fra_x and the code-less record are left out
  EXPECT_EQ(data[0].lang, "ms");
  EXPECT_EQ(data[0].text, "Semua manusia dilahirkan bebas.");
  EXPECT_EQ(data[1].lang, "de");  // no element: a paragraph; label from the list, primary subtag
  o.min_chars = 32;  // the German paragraph has 32 characters, the Malay one 31
  EXPECT_EQ(langid::load_eval_data(o).size(), 1u);

  write(d / "bad.tsv", "zlm_x ms\n");
  o.declarations = (d / "bad.tsv").string();
  EXPECT_THROW(langid::load_eval_data(o), std::runtime_error);
  write(d / "empty.tsv", "# nothing\n");
  o.declarations = (d / "empty.tsv").string();
  EXPECT_THROW(langid::load_eval_data(o), std::runtime_error);
  o.declarations = (d / "missing.tsv").string();
  EXPECT_THROW(langid::load_eval_data(o), std::runtime_error);
  fs::remove_all(d);
}

TEST(Exemplars, CountsNonAsciiLettersOutsideTheAlphabet) {
  const fs::path d = temp_dir("exemplars");
  write(d / "ex.tsv", "# comment\ntr\tçöüğış\nen\t\n");
  const auto e = langid::Exemplars::load((d / "ex.tsv").string());
  bool known = false;
  auto c = e.count("tr", "Ez diçim bajêr û hevalên xwe dibînim", &known);
  EXPECT_TRUE(known);
  EXPECT_EQ(c.foreign, 4u);  // ê û ê î; ç is Turkish
  EXPECT_EQ(c.letters, 30u);
  c = e.count("en", "Café in Zürich", &known);
  EXPECT_TRUE(known);
  EXPECT_EQ(c.foreign, 2u);  // an empty alphabet: every non-ASCII letter is foreign
  c = e.count("tr", "Gu\xCC\x88zel 123 !", &known);  // a combining mark is not a letter
  EXPECT_EQ(c.letters, 5u);
  EXPECT_EQ(c.foreign, 0u);
  e.count("xx", "anything", &known);
  EXPECT_FALSE(known);
  write(d / "bad.tsv", "no tab here\n");
  EXPECT_THROW(langid::Exemplars::load((d / "bad.tsv").string()), std::runtime_error);
  EXPECT_THROW(langid::Exemplars::load((d / "missing.tsv").string()), std::runtime_error);
  fs::remove_all(d);
}

TEST(Detector, ForeignLettersGetASecondLookFromTheFallback) {
  // Kurmanji (our own sentence): CLD2 reads it as reliable Turkish; ê î û are not Turkish letters,
  // so the committed fallback model (trained on Kurdish message catalogs) is asked and wins.
  const std::string kmr = "Ez diçim bajêr û hevalên xwe dibînim, paşê em ê bi hev re biçin çarşiyê.";
  langid::DetectorOptions no_check;
  no_check.exemplars_path.clear();
  const LanguageInfo plain = langid::Detector(no_check).detect({}, kmr, {});
  ASSERT_EQ(plain.code, "tr");  // the premise
  ASSERT_TRUE(plain.reliable);
  const LanguageInfo checked = langid::Detector(langid::DetectorOptions{}).detect({}, kmr, {});
  EXPECT_EQ(checked.code.substr(0, 2), "ku");
  EXPECT_TRUE(checked.reliable);
  EXPECT_DOUBLE_EQ(checked.confidence, 0.5);
  // Ordinary Turkish keeps CLD2's answer untouched.
  const LanguageInfo tr = langid::Detector(langid::DetectorOptions{}).detect(
      {}, "Belediye meclisi salı günü uzun bir tartışmanın ardından yeni bütçeyi kabul etti.", {});
  EXPECT_EQ(tr.code, "tr");
  EXPECT_DOUBLE_EQ(tr.confidence, 1.0);
}
