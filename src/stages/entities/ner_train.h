// Reproducible training of the NER model (fixed seed, deterministic order and file bytes).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "stages/entities/conll_io.h"

namespace newsflow::entities {

struct TrainOptions {
  std::string train_path;
  std::vector<std::pair<ConllFormat, std::string>> extra;  // more training files

  std::string dev_path;
  std::string out_path;
  std::string lang = "en";
  ConllFormat format = ConllFormat::conll;
  ConllFormat dev_format = ConllFormat::conll;
  std::string iso_codes_dir = "/usr/share/iso-codes/json";  // external gazetteer (Debian iso-codes)
  // Dictionary word list for the lexicon features; "default" = the Debian list for `lang`
  // (default_word_list), "" = none (the lexicon group is then off).
  std::string word_list = "default";
  std::string cluster_text;  // reserved: word-cluster induction is not implemented, must stay empty
  int epochs = 10;
  int replicas = 1;
  size_t gazetteer_folds = 2;  // jackknife folds for the training-entity gazetteer  // perceptrons (different shuffles) averaged into each pass
  size_t doc_sentences = 20;  // CoNLL files without -DOCSTART-: sentences per pseudo-document
  uint32_t bits = 20;
  uint32_t groups = fg_all;
  uint64_t seed = 20240901;
};

struct TrainResult {
  double dev_f1 = 0, dev_precision = 0, dev_recall = 0;
  double pass1_dev_f1 = 0;
  size_t model_bytes = 0;
};

// Trains, reports progress to `log`, writes the model. Returns false with `error` on failure.
bool train_ner(const TrainOptions& opt, std::ostream& log, TrainResult& result, std::string& error);

// The Debian word list for a language (/usr/share/dict/ngerman from wngerman for de, .../spanish
// from wspanish for es), or "" when there is none.
std::string default_word_list(const std::string& lang);

// Adds iso-codes country/subdivision/language names to `gaz` as source 1. Returns entries added.
size_t add_iso_gazetteer(const std::string& dir, const std::string& lang, Gazetteer& gaz);

}  // namespace newsflow::entities
