// The n-gram model (trained on invented fixtures), the stage factory and the eval loader.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>

#include "stages/langid/eval.h"
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
