#include "stages/langid/cli.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "core/exit_codes.h"
#include "stages/langid/cld2_backend.h"
#include "stages/langid/eval.h"
#include "stages/langid/ngram_model.h"

namespace newsflow {

namespace {
struct EvalArgs {
  langid::EvalOptions data;
  size_t body_prefix = langid::DetectorOptions{}.body_prefix_bytes;
  bool report_unreliable = false;
  bool no_best_effort = false;
  bool plain_cld2 = false;
  size_t model_bytes = langid::DetectorOptions{}.model_text_bytes;
  std::string model = langid::DetectorOptions{}.model_path;
  double override_margin = langid::DetectorOptions{}.override_margin;
  std::string fallback_model = langid::DetectorOptions{}.fallback_model_path;
  double fallback_margin = langid::DetectorOptions{}.fallback_margin;
  int fallback_min_bytes = langid::DetectorOptions{}.fallback_min_bytes;
  double fallback_min_evidence = langid::DetectorOptions{}.fallback_min_evidence;
  int fallback_override_bytes = langid::DetectorOptions{}.fallback_override_bytes;
  std::string exemplars = langid::DetectorOptions{}.exemplars_path;
  size_t fallback_bytes = langid::DetectorOptions{}.fallback_text_bytes;
  double fallback_unknown_margin = langid::DetectorOptions{}.fallback_unknown_margin;
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
    throw CLI::RuntimeError(exit_code::data_file_error(a.corpus));
  }
}

void run_eval(const EvalArgs& a) {
  std::vector<langid::LabelledText> data;
  try {
    data = langid::load_eval_data(a.data);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    throw CLI::RuntimeError(exit_code::data_file_error(a.data.data));
  }
  langid::DetectorOptions opts;
  opts.body_prefix_bytes = a.body_prefix;
  opts.report_unreliable = a.report_unreliable;
  opts.best_effort = !a.no_best_effort;
  opts.model_text_bytes = a.model_bytes;
  opts.model_path = a.model;
  opts.override_margin = a.override_margin;
  opts.fallback_model_path = a.fallback_model;
  opts.fallback_margin = a.fallback_margin;
  opts.fallback_min_bytes = a.fallback_min_bytes;
  opts.fallback_min_evidence = a.fallback_min_evidence;
  opts.fallback_override_bytes = a.fallback_override_bytes;
  opts.exemplars_path = a.exemplars;
  opts.fallback_text_bytes = a.fallback_bytes;
  opts.fallback_unknown_margin = a.fallback_unknown_margin;
  std::unique_ptr<langid::Detector> det_ptr;
  try {
    det_ptr = std::make_unique<langid::Detector>(opts);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    throw CLI::RuntimeError(66);
  }
  const langid::Detector& det = *det_ptr;
  const langid::EvalResult r = langid::evaluate(det, data, a.plain_cld2);

  fmt::print("langid eval: {} ({}{}), {} records, CLD2 tables: {}, body prefix {} bytes, second opinion: {}, fallback: {}{}\n",
             a.data.data, a.data.format, a.data.declarations.empty() ? "" : ", declarations " + a.data.declarations, r.n,
             langid::cld2_tables(), opts.body_prefix_bytes, a.model.empty() ? "off" : a.model,
             a.fallback_model.empty() ? "off" : a.fallback_model, a.plain_cld2 ? " (plain CLD2 baseline)" : "");
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
  const double cpu_dps = r.cpu_seconds > 0 ? r.n / r.cpu_seconds : 0.0;
  fmt::print("accuracy {:.4f} over {} languages; supported {:.4f} over {}; mean per-language {:.4f}; {:.0f} docs/s ({:.0f} per CPU second)\n",
             r.accuracy(), r.per_lang.size(), r.accuracy_supported(), r.languages_supported(),
             r.mean_language_accuracy(), dps, cpu_dps);
  fmt::print(
      "{{\"n\":{},\"accuracy\":{:.6f},\"accuracy_supported\":{:.6f},\"languages\":{},\"languages_supported\":{},"
      "\"docs_per_s\":{:.1f},\"docs_per_cpu_s\":{:.1f},\"mean_language_accuracy\":{:.6f},\"cld2_tables\":\"{}\"}}\n",
      r.n, r.accuracy(), r.accuracy_supported(), r.per_lang.size(), r.languages_supported(), dps, cpu_dps,
      r.mean_language_accuracy(), langid::cld2_tables());
}
}  // namespace

void register_langid_cli(CLI::App& eval, CLI::App& train) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* e = eval.add_subcommand("langid", "Language identification accuracy on labelled text");
  e->add_option("--data", args->data.data, "JSONL with lang + text (udhr format), or a lingua folder/file")->required();
  e->add_option("--format", args->data.format, "udhr | lingua")->check(CLI::IsMember({"udhr", "lingua"}));
  e->add_option("--lingua-file", args->data.lingua_file, "file read in each lingua language folder");
  e->add_option("--declarations", args->data.declarations,
                 "udhr: only the paragraphs of these declarations (code<TAB>lang lines, e.g. "
                 "src/stages/langid/scripts/udhr-standard.tsv), labelled with their language");
  e->add_option("--min-chars", args->data.min_chars, "skip texts with fewer characters");
  e->add_option("--max-chars", args->data.max_chars, "skip texts with more characters (0: no limit)");
  e->add_option("--body-prefix", args->body_prefix, "bytes of each text the detector reads");
  e->add_flag("--report-unreliable", args->report_unreliable, "count CLD2's unreliable guesses instead of und");
  e->add_flag("--plain-cld2", args->plain_cld2, "score CLD2's first answer alone (baseline)");
  e->add_flag("--no-best-effort", args->no_best_effort, "let CLD2 answer unknown instead of its best effort");
  e->add_option("--model", args->model, "second-opinion model file (\"\" = CLD2 only)");
  e->add_option("--model-bytes", args->model_bytes, "bytes of each text the second opinion reads");
  e->add_option("--override-margin", args->override_margin, "gain per n-gram the model needs to overrule CLD2");
  e->add_option("--fallback-model", args->fallback_model, "model for CLD2's unreliable answers (\"\" = none)");
  e->add_option("--fallback-margin", args->fallback_margin, "gain per n-gram the fallback needs to overrule CLD2's guess");
  e->add_option("--fallback-min-bytes", args->fallback_min_bytes, "letters CLD2 must have scored before the fallback is asked");
  e->add_option("--fallback-min-evidence", args->fallback_min_evidence, "log-likelihood ratio (nats) the fallback needs");
  e->add_option("--fallback-override-bytes", args->fallback_override_bytes, "letters CLD2 must have scored before the fallback may replace its guess");
  e->add_option("--exemplars", args->exemplars, "alphabets file for re-checking CLD2's reliable answers (\"\" = never)");
  e->add_option("--fallback-bytes", args->fallback_bytes, "bytes of each text the fallback reads");
  e->add_option("--fallback-unknown-margin", args->fallback_unknown_margin, "gain per n-gram over the runner-up when the fallback cannot score CLD2's guess");
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
