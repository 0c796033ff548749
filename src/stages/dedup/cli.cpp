#include "stages/dedup/cli.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <memory>

#include "core/exit_codes.h"
#include "stages/dedup/eval.h"

namespace newsflow {
namespace {

struct EvalArgs {
  std::string data = "../shared/data/examples/gold-articles.dev.jsonl";
  std::string method = "minhash";
  std::string clock = "processing_time";
  int simhash_k = 3;
  double threshold = -1;
  int shingle_words = 0, bands = 0, rows = 0, signature = 0, min_words = 0;
  size_t show_errors = 10;
};

void run_eval(const EvalArgs& a) {
  std::vector<dedup::EvalItem> items;
  try {
    items = dedup::read_eval_file(a.data);
  } catch (const std::exception& e) {
    fmt::print(stderr, "eval dedup: {}\n", e.what());
    throw CLI::RuntimeError(exit_code::data_file_error(a.data));
  }
  dedup::EvalOptions opt;
  dedup::IndexConfig& ic = opt.config.index;
  if (a.threshold >= 0) ic.threshold = a.threshold;
  if (a.shingle_words > 0) ic.sketch.shingle_words = a.shingle_words;
  if (a.bands > 0) ic.sketch.bands = a.bands;
  if (a.rows > 0) ic.sketch.rows = a.rows;
  if (a.signature > 0) ic.sketch.signature = a.signature;
  if (a.min_words > 0) opt.config.min_words = a.min_words;
  if (ic.sketch.bands * ic.sketch.rows > ic.sketch.signature) ic.sketch.signature = ic.sketch.bands * ic.sketch.rows;
  if (ic.sketch.signature > dedup::kMaxSignature) throw CLI::ValidationError("bands * rows must be <= 32");
  opt.config.clock = a.clock == "published_at" ? dedup::DedupConfig::Clock::published_at
                                               : dedup::DedupConfig::Clock::processing_time;
  opt.method = a.method;
  opt.simhash_k = a.simhash_k;
  opt.max_errors = a.show_errors;
  const dedup::EvalResult r = dedup::evaluate_dedup(items, opt);

  fmt::print("dedup eval: {} articles from {}\n", r.articles, a.data);
  if (a.method == "simhash") {
    fmt::print("method: exact keys + SimHash-64, Hamming <= {}, {}-word shingles\n", a.simhash_k,
               ic.sketch.shingle_words);
  } else {
    fmt::print("method: exact keys + MinHash LSH, {}-word shingles, {} bands x {} rows, {} values, threshold {:.2f}\n",
               ic.sketch.shingle_words, ic.sketch.bands, ic.sketch.rows, ic.sketch.signature, ic.threshold);
  }
  fmt::print("predicted: {} exact, {} near duplicates\n", r.exact, r.near);
  fmt::print("pairs: predicted {}, gold (same language) {}, correct {}\n", r.predicted_pairs, r.gold_pairs,
             r.true_pairs);
  if (!r.per_edit.empty()) {
    fmt::print("{:<20} {:>6} {:>10} {:>8} {:>12}\n", "edit", "n", "precision", "recall", "false links");
    for (const auto& [edit, s] : r.per_edit) {
      if (s.tp + s.fn == 0) {  // no gold duplicate: only false links are meaningful
        fmt::print("{:<20} {:>6} {:>10} {:>8} {:>12}\n", edit, s.n, "-", "-", s.fp);
      } else {
        fmt::print("{:<20} {:>6} {:>10.4f} {:>8.4f} {:>12}\n", edit, s.n, s.precision(), s.recall(), s.fp);
      }
    }
  }
  for (const std::string& e : r.errors) fmt::print("  {}\n", e);
  fmt::print("precision {:.4f} recall {:.4f} f1 {:.4f}\n", r.precision, r.recall, r.f1);
  fmt::print("{}\n", r.to_json().dump());
}

}  // namespace

void register_dedup_cli(CLI::App& eval, CLI::App& train) {
  (void)train;  // nothing to train: the thresholds are chosen by measurement (README.md)
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = eval.add_subcommand("dedup", "Duplicate detection: pair precision/recall over clusters");
  cmd->add_option("--data", args->data, "JSONL articles in stream order with gold.duplicate_of")
      ->capture_default_str();
  cmd->add_option("--method", args->method, "minhash (the stage) or simhash (for comparison)")
      ->check(CLI::IsMember({"minhash", "simhash"}))
      ->capture_default_str();
  cmd->add_option("--simhash-k", args->simhash_k, "SimHash: maximum Hamming distance")->capture_default_str();
  cmd->add_option("--threshold", args->threshold, "minimum estimated Jaccard similarity (default: stage default)");
  cmd->add_option("--shingle-words", args->shingle_words, "words per shingle");
  cmd->add_option("--bands", args->bands, "LSH bands");
  cmd->add_option("--rows", args->rows, "MinHash values per band");
  cmd->add_option("--signature", args->signature, "MinHash values stored per article");
  cmd->add_option("--min-words", args->min_words, "texts shorter than this get exact matching only");
  cmd->add_option("--clock", args->clock, "window clock")
      ->check(CLI::IsMember({"processing_time", "published_at"}))
      ->capture_default_str();
  cmd->add_option("--show-errors", args->show_errors, "print up to N misses and false links")->capture_default_str();
  cmd->callback([args] { run_eval(*args); });
}

}  // namespace newsflow
