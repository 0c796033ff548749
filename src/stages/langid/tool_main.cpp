// newsflow_langid_tool: the langid eval/train commands without the main binary, plus a way to
// detect ad-hoc text and to list the languages the linked CLD2 tables return.
#include <fmt/format.h>

#include <iostream>

#include "stages/langid/cld2_backend.h"
#include "stages/langid/cli.h"
#include "stages/langid/detector.h"
#include "stages/langid/eval.h"
#include "stages/langid/ngram_model.h"

int main(int argc, char** argv) {
  CLI::App app{"newsflow langid development tool"};
  app.require_subcommand(1);
  CLI::App* eval = app.add_subcommand("eval", "Evaluate a task");
  CLI::App* train = app.add_subcommand("train", "Train a model");
  eval->require_subcommand(1);
  train->require_subcommand(0, 1);
  newsflow::register_langid_cli(*eval, *train);

  CLI::App* langs = app.add_subcommand("languages", "Print the primary codes the detector can return");
  langs->callback([] {
    newsflow::langid::DetectorOptions o;  // CLD2's languages: no model needed (nor a trained one yet)
    o.model_path.clear();
    o.fallback_model_path.clear();
    const newsflow::langid::Detector det(o);
    for (const auto& l : newsflow::langid::supported_languages(det)) fmt::print("{}\n", l);
    fmt::print(stderr, "CLD2 tables: {}\n", newsflow::langid::cld2_tables());
  });
  CLI::App* detect = app.add_subcommand("detect", "Detect the language of each stdin line");
  detect->callback([] {
    const newsflow::langid::Detector det({});
    std::string line;
    while (std::getline(std::cin, line)) {
      const auto info = det.detect({}, line, {});
      std::string alts;
      for (const auto& a : info.alternatives) alts += fmt::format(" {}:{:.2f}", a.code, a.share);
      fmt::print("{}\t{:.3f}\t{}\t{}\n", info.code, info.confidence, info.reliable ? "reliable" : "unreliable", alts);
    }
  });
  CLI::App* fb = app.add_subcommand("fallback-scores", "Top fallback-model scores of each stdin line (debugging)");
  fb->callback([] {
    const newsflow::langid::Detector det({});
    if (det.fallback_model() == nullptr) return;
    std::string line;
    while (std::getline(std::cin, line)) {
      size_t n = 0;
      const auto scores = det.fallback_model()->score_all(line, &n);
      std::string top;
      for (size_t i = 0; i < scores.size() && i < 5; ++i) top += fmt::format(" {}:{:.1f}", scores[i].lang, scores[i].log_prob);
      fmt::print("{} n-grams{}\n", n, top);
    }
  });
  CLI11_PARSE(app, argc, argv);
  return 0;
}
