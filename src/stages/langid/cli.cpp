#include "stages/langid/cli.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "stages/langid/cld2_backend.h"
#include "stages/langid/eval.h"
#include "stages/langid/ngram_model.h"

namespace newsflow {

namespace {
struct EvalArgs {
  langid::EvalOptions data;
  size_t body_prefix = langid::DetectorOptions{}.body_prefix_bytes;
  bool report_unreliable = false;
  std::string model = langid::DetectorOptions{}.model_path;
  double override_margin = langid::DetectorOptions{}.override_margin;
};

struct TrainArgs {
  std::string corpus = "/tmp/langid-train";
  std::vector<std::string> langs{"hr", "bs", "sr", "mk", "bg", "ru", "id", "ms", "da", "nb", "nn", "cs", "sk"};
  size_t top_k = 6000;
  std::string out = "config/models/langid-closepairs.bin";
};

void run_train(const TrainArgs& a) {
  try {
    const langid::NgramModel m = langid::NgramModel::train(a.corpus, a.langs, a.top_k);
    m.save(a.out);
    fmt::print("trained {} languages, {} entries -> {}\n", m.languages().size(), m.entries(), a.out);
    fmt::print("{{\"languages\":{},\"entries\":{},\"top_k\":{}}}\n", m.languages().size(), m.entries(), a.top_k);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    throw CLI::RuntimeError(65);
  }
}

void run_eval(const EvalArgs& a) {
  std::vector<langid::LabelledText> data;
  try {
    data = langid::load_eval_data(a.data);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    throw CLI::RuntimeError(65);
  }
  langid::DetectorOptions opts;
  opts.body_prefix_bytes = a.body_prefix;
  opts.report_unreliable = a.report_unreliable;
  opts.model_path = a.model;
  opts.override_margin = a.override_margin;
  std::unique_ptr<langid::Detector> det_ptr;
  try {
    det_ptr = std::make_unique<langid::Detector>(opts);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    throw CLI::RuntimeError(66);
  }
  const langid::Detector& det = *det_ptr;
  const langid::EvalResult r = langid::evaluate(det, data);

  fmt::print("langid eval: {} ({}), {} records, CLD2 tables: {}, body prefix {} bytes, second opinion: {}\n",
             a.data.data, a.data.format, r.n, langid::cld2_tables(), opts.body_prefix_bytes,
             a.model.empty() ? "off" : a.model);
  fmt::print("{:<10} {:>6} {:>9}  {}\n", "lang", "n", "accuracy", "most frequent errors");
  for (const auto& [lang, s] : r.per_lang) {
    std::vector<std::pair<size_t, std::string>> errs;
    for (const auto& [pred, c] : s.confusions) errs.emplace_back(c, pred);
    std::sort(errs.rbegin(), errs.rend());
    std::string err_text;
    for (size_t i = 0; i < errs.size() && i < 3; ++i) err_text += fmt::format("{}×{} ", errs[i].second, errs[i].first);
    fmt::print("{:<10} {:>6} {:>9.4f}  {}{}\n", lang, s.n, s.n ? double(s.correct) / s.n : 0.0,
               s.supported ? "" : "[unsupported] ", err_text);
  }
  const double dps = r.seconds > 0 ? r.n / r.seconds : 0.0;
  fmt::print("accuracy {:.4f} over {} languages; supported {:.4f} over {}; mean per-language {:.4f}; {:.0f} docs/s\n",
             r.accuracy(), r.per_lang.size(), r.accuracy_supported(), r.languages_supported(),
             r.mean_language_accuracy(), dps);
  fmt::print(
      "{{\"n\":{},\"accuracy\":{:.6f},\"accuracy_supported\":{:.6f},\"languages\":{},\"languages_supported\":{},"
      "\"docs_per_s\":{:.1f},\"mean_language_accuracy\":{:.6f},\"cld2_tables\":\"{}\"}}\n",
      r.n, r.accuracy(), r.accuracy_supported(), r.per_lang.size(), r.languages_supported(), dps,
      r.mean_language_accuracy(), langid::cld2_tables());
}
}  // namespace

void register_langid_cli(CLI::App& eval, CLI::App& train) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* e = eval.add_subcommand("langid", "Language identification accuracy on labelled text");
  e->add_option("--data", args->data.data, "JSONL with lang + text (udhr format), or a lingua folder/file")->required();
  e->add_option("--format", args->data.format, "udhr | lingua")->check(CLI::IsMember({"udhr", "lingua"}));
  e->add_option("--lingua-file", args->data.lingua_file, "file read in each lingua language folder");
  e->add_option("--min-chars", args->data.min_chars, "skip texts with fewer characters");
  e->add_option("--max-chars", args->data.max_chars, "skip texts with more characters (0: no limit)");
  e->add_option("--body-prefix", args->body_prefix, "bytes of each text the detector reads");
  e->add_flag("--report-unreliable", args->report_unreliable, "count CLD2's unreliable guesses instead of und");
  e->add_option("--model", args->model, "second-opinion model file (\"\" = CLD2 only)");
  e->add_option("--override-margin", args->override_margin, "gain per n-gram the model needs to overrule CLD2");
  e->callback([args] { run_eval(*args); });

  auto targs = std::make_shared<TrainArgs>();
  CLI::App* t = train.add_subcommand("langid", "Train the close-pair n-gram model (deterministic)");
  t->add_option("--corpus", targs->corpus, "folder with <lang>.txt training text (scripts/extract_mo.py)");
  t->add_option("--langs", targs->langs, "languages to train")->delimiter(',');
  t->add_option("--top-k", targs->top_k, "n-grams kept per language");
  t->add_option("--out", targs->out, "model file to write");
  t->callback([targs] { run_train(*targs); });
}

}  // namespace newsflow
