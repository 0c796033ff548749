#include "stages/stance/cli.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/exit_codes.h"
#include "core/resources.h"
#include "stages/stance/newsmtsc.h"
#include "stages/stance/sentiment.h"
#include "stages/stance/trainer.h"

namespace newsflow {
namespace {

using namespace newsflow::stance;

struct SentimentOptions {
  std::string data = "../shared/data/newsmtsc/train.jsonl";
  std::string model = "config/models/sentiment-en.bin";
  std::string out = "config/models/sentiment-en.bin";
  std::string split = "all";
  int holdout_percent = 15;
  uint64_t split_seed = 7;
  int folds = 0;
  bool further = false;
  TrainParams params;
};

MtscData load_or_65(const std::string& path, bool further) {
  try {
    return load_newsmtsc(path, further);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    throw CLI::RuntimeError(exit_code::data_file_error(path));
  }
}

constexpr int kLexiconFolds = 5;

struct Corpus {
  const MtscData& d;
  std::vector<std::vector<Word>> toks;  // per sentence
  std::vector<int> y;                    // per target
  explicit Corpus(const MtscData& data) : d(data), toks(data.sentences.size()) {
    for (size_t s = 0; s < d.sentences.size(); ++s) tokenize(d.sentences[s], toks[s]);
    for (const auto& t : d.targets) y.push_back(t.label);
  }
  const std::string& article(size_t target) const { return d.articles[d.targets[target].sentence]; }
};

Lexicon build_lexicon(const Corpus& c, const std::vector<size_t>& idx) {
  Lexicon lex;
  for (size_t i : idx) lex.add(c.toks[c.d.targets[i].sentence], c.y[i]);
  lex.finish();
  return lex;
}

std::vector<uint64_t> features_of(const Corpus& c, size_t i, const Lexicon* lex) {
  static const FeatureExtractor fx;
  std::vector<TokenRange> ranges;
  const auto& t = c.d.targets[i];
  to_token_ranges(c.toks[t.sentence], t.mentions, ranges);
  std::vector<uint64_t> f;
  fx.extract(c.toks[t.sentence], ranges, lex, f);
  return f;
}

// Trains on idx. The lexicon features of each training target come from a lexicon built without
// its article's fold (cross-fitting), so the model learns how far to trust the lexicon on unseen text.
SentimentModel fit(const Corpus& c, const std::vector<size_t>& idx, const TrainParams& p, uint64_t seed) {
  std::vector<std::vector<size_t>> folds(kLexiconFolds);
  for (size_t i : idx) {
    const auto& a = c.article(i);
    folds[XXH64(a.data(), a.size(), seed + 101) % kLexiconFolds].push_back(i);
  }
  std::vector<std::vector<uint64_t>> x;
  std::vector<int> y;
  for (int k = 0; k < kLexiconFolds; ++k) {
    std::vector<size_t> rest;
    for (int j = 0; j < kLexiconFolds; ++j)
      if (j != k) rest.insert(rest.end(), folds[j].begin(), folds[j].end());
    const Lexicon lex = build_lexicon(c, rest);
    for (size_t i : folds[k]) {
      x.push_back(features_of(c, i, &lex));
      y.push_back(c.y[i]);
    }
  }
  SentimentModel m = train_model(x, y, p);
  m.lexicon() = build_lexicon(c, idx);
  return m;
}

void print_metrics(const char* title, const ClassMetrics& m, size_t n) {
  fmt::print("{}: {} targets, macro-F1 {:.4f}, accuracy {:.4f}\n", title, n, m.f1_macro, m.accuracy);
  fmt::print("  F1 negative {:.4f}  neutral {:.4f}  positive {:.4f}\n", m.f1[0], m.f1[1], m.f1[2]);
  fmt::print("  confusion (rows gold neg/neu/pos, cols predicted):\n");
  for (int g = 0; g < kClasses; ++g)
    fmt::print("    {:6d} {:6d} {:6d}\n", m.confusion[g][0], m.confusion[g][1], m.confusion[g][2]);
}

ClassMetrics evaluate(const SentimentModel& model, const Corpus& c, const std::vector<size_t>& idx) {
  std::vector<int> gold, pred;
  for (size_t i : idx) {
    const Probs p = model.predict(features_of(c, i, &model.lexicon()));
    gold.push_back(c.y[i]);
    pred.push_back(static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin()));
  }
  return score_predictions(gold, pred);
}

void run_train(const SentimentOptions& o) {
  const MtscData d = load_or_65(o.data, o.further);
  const Corpus c(d);

  if (o.folds > 1) {  // article-level cross-validation, for model selection only
    double f1 = 0, acc = 0;
    for (int k = 0; k < o.folds; ++k) {
      std::vector<size_t> tr, dev;
      for (size_t i = 0; i < d.targets.size(); ++i) {
        const auto& a = c.article(i);
        (static_cast<int>(XXH64(a.data(), a.size(), o.split_seed + 1) % o.folds) == k ? dev : tr).push_back(i);
      }
      const SentimentModel m = fit(c, tr, o.params, o.params.seed);
      const ClassMetrics cm = evaluate(m, c, dev);
      fmt::print("fold {}: macro-F1 {:.4f} accuracy {:.4f}\n", k, cm.f1_macro, cm.accuracy);
      f1 += cm.f1_macro / o.folds, acc += cm.accuracy / o.folds;
    }
    fmt::print("{{\"cv_f1_macro\": {:.4f}, \"cv_accuracy\": {:.4f}}}\n", f1, acc);
    return;
  }

  std::vector<size_t> tr, dev;
  for (size_t i = 0; i < d.targets.size(); ++i)
    (o.holdout_percent > 0 && in_holdout(c.article(i), o.split_seed, o.holdout_percent) ? dev : tr).push_back(i);
  const auto t0 = std::chrono::steady_clock::now();
  const SentimentModel m = fit(c, tr, o.params, o.params.seed);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  fmt::print("trained on {} targets ({} held out by article) in {:.1f}s, {} non-zero buckets of {}, {} lexicon words\n",
             tr.size(), dev.size(), secs, m.nonzero(), size_t{1} << m.bits(), m.lexicon().entries().size());
  m.save(o.out);
  fmt::print("wrote {}\n", o.out);
  // Report on the saved (quantised) model, as the stage will use it.
  const SentimentModel saved = SentimentModel::load(o.out);
  const ClassMetrics trm = evaluate(saved, c, tr);
  print_metrics("train", trm, tr.size());
  if (!dev.empty()) {
    const ClassMetrics dv = evaluate(saved, c, dev);
    print_metrics("held-out", dv, dev.size());
    fmt::print("{{\"f1_macro\": {:.4f}, \"accuracy\": {:.4f}, \"train_targets\": {}, \"heldout_targets\": {}}}\n",
               dv.f1_macro, dv.accuracy, tr.size(), dev.size());
  } else {
    fmt::print("{{\"train_f1_macro\": {:.4f}, \"train_targets\": {}}}\n", trm.f1_macro, tr.size());
  }
}

void run_eval(const SentimentOptions& o) {
  const MtscData d = load_or_65(o.data, o.further);
  std::shared_ptr<const SentimentModel> model;
  try {
    model = std::make_shared<const SentimentModel>(SentimentModel::load(resource_path(o.model).string()));
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    throw CLI::RuntimeError(66);
  }
  std::vector<size_t> idx;
  for (size_t i = 0; i < d.targets.size(); ++i) {
    const bool h = in_holdout(d.articles[d.targets[i].sentence], o.split_seed, o.holdout_percent);
    if (o.split == "all" || (o.split == "holdout" && h) || (o.split == "train" && !h)) idx.push_back(i);
  }
  const SentimentScorer scorer(model);
  ScoreScratch scratch;
  std::vector<Word> toks;
  std::vector<int> gold, pred;
  for (size_t i : idx) {
    const auto& t = d.targets[i];
    toks.clear();
    tokenize(d.sentences[t.sentence], toks);
    const Probs p = scorer.score(toks, t.mentions, scratch);
    gold.push_back(t.label);
    pred.push_back(static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin()));
  }
  const ClassMetrics m = score_predictions(gold, pred);
  print_metrics(fmt::format("{} ({})", o.data, o.split).c_str(), m, idx.size());

  // Throughput on one core: tokenise the sentence and score the target, as the stage does per
  // entity-sentence, repeated for at least half a second of this thread's CPU time. CPU time, not
  // wall time, so a busy machine does not understate the per-core rate (wall rate printed too).
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
  };
  size_t done = 0;
  float sink = 0;
  const auto w0 = std::chrono::steady_clock::now();
  const double c0 = cpu_now();
  double secs = 0;
  while (!idx.empty() && secs < 0.5) {
    for (size_t i : idx) {
      const auto& t = d.targets[i];
      toks.clear();
      tokenize(d.sentences[t.sentence], toks);
      sink += scorer.score(toks, t.mentions, scratch)[0];
    }
    done += idx.size();
    secs = cpu_now() - c0;
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
  const double tps = secs > 0 ? done / secs : 0;
  fmt::print("throughput: {:.0f} targets per CPU-second on one thread ({:.0f}/s wall; {} scored, checksum {:.3f})\n",
             tps, wall > 0 ? done / wall : 0, done, sink);
  fmt::print("{{\"f1_macro\": {:.4f}, \"accuracy\": {:.4f}, \"targets_per_s\": {:.0f}}}\n", m.f1_macro, m.accuracy, tps);
}

void add_common(CLI::App* c, SentimentOptions& o) {
  c->add_option("--data", o.data, "NewsMTSC JSONL file")->capture_default_str();
  c->add_option("--holdout-percent", o.holdout_percent, "articles held out for development")
      ->capture_default_str()
      ->check(CLI::Range(0, 90));
  c->add_option("--split-seed", o.split_seed, "seed of the article-level holdout")->capture_default_str();
  c->add_flag("--further-mentions", o.further, "also use the data's automatic coreferent mentions");
}

}  // namespace

void register_stance_cli(CLI::App& eval, CLI::App& train) {
  auto opts = std::make_shared<SentimentOptions>();
  CLI::App* e = eval.add_subcommand("sentiment", "target-dependent sentiment on NewsMTSC JSONL: macro-F1, accuracy, targets/s");
  add_common(e, *opts);
  e->add_option("--model", opts->model, "model file")->capture_default_str();
  e->add_option("--split", opts->split, "which targets: all, holdout (the held-out articles) or train")
      ->capture_default_str()
      ->check(CLI::IsMember({"all", "holdout", "train"}));
  e->callback([opts] { run_eval(*opts); });

  auto topts = std::make_shared<SentimentOptions>();
  CLI::App* t = train.add_subcommand("sentiment", "train the sentiment model (deterministic, fixed seed)");
  add_common(t, *topts);
  t->add_option("--out", topts->out, "where to write the model")->capture_default_str();
  t->add_option("--bits", topts->params.bits, "log2 of hash buckets")->capture_default_str()->check(CLI::Range(12, 24));
  t->add_option("--epochs", topts->params.epochs)->capture_default_str();
  t->add_option("--lr", topts->params.lr)->capture_default_str();
  t->add_option("--l2", topts->params.l2)->capture_default_str();
  t->add_option("--seed", topts->params.seed, "training shuffle seed")->capture_default_str();
  t->add_option("--bags", topts->params.bags, "models averaged (different shuffles)")->capture_default_str();
  t->add_option("--folds", topts->folds, "article-level cross-validation instead of training (model selection)");
  t->callback([topts] { run_train(*topts); });
}

}  // namespace newsflow
