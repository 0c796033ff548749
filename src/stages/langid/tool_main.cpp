// newsflow_langid_tool: the langid eval/train commands without the main binary, plus a way to
// detect ad-hoc text and to list the languages the linked CLD2 tables return.
#include <fmt/format.h>

#include <iostream>

#include "stages/langid/cld2_backend.h"
#include "stages/langid/cli.h"
#include "stages/langid/detector.h"
#include "stages/langid/eval.h"

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
    const newsflow::langid::Detector det({});
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
  CLI11_PARSE(app, argc, argv);
  return 0;
}
