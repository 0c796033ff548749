// `newsflow eval langid`: accuracy of the detector on labelled text (UDHR JSONL or lingua files).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "stages/langid/detector.h"

namespace newsflow::langid {

struct LabelledText {
  std::string lang;  // gold primary subtag ("de" for "de-1901")
  std::string text;
};

struct EvalOptions {
  std::string data;            // JSONL file, or lingua folder / file
  std::string format = "udhr"; // udhr (JSONL with lang + text) | lingua (one text per line, lang = folder)
  std::string lingua_file = "sentences.txt";  // which lingua file per language folder
  size_t min_chars = 0;        // skip records with fewer code points (after trimming)
  size_t max_chars = 0;        // skip records with more code points; 0 = no limit
  // udhr format: a selection of declarations (scripts/udhr-standard.tsv: `code<TAB>lang` lines,
  // `#` comments); when set only the paragraphs (`element` "p") of those declarations are kept
  // and each is labelled with the selection's language, not the record's own tag.
  std::string declarations;
};

// Throws std::runtime_error when the data cannot be read or parsed.
std::vector<LabelledText> load_eval_data(const EvalOptions& opts);

struct LangScore {
  size_t n = 0;
  size_t correct = 0;
  bool supported = false;
  std::map<std::string, size_t> confusions;  // predicted → count (wrong ones only)
};

struct EvalResult {
  size_t n = 0;
  size_t correct = 0;
  size_t n_supported = 0;
  size_t correct_supported = 0;
  double seconds = 0;      // detection time only (wall clock)
  double cpu_seconds = 0;  // the same in CPU time of the detecting thread
  std::map<std::string, LangScore> per_lang;
  double accuracy() const { return n ? double(correct) / n : 0.0; }
  double accuracy_supported() const { return n_supported ? double(correct_supported) / n_supported : 0.0; }
  double mean_language_accuracy() const;  // macro average over languages (lingua's figure)
  size_t languages_supported() const;
};

// `plain_cld2`: score CLD2's own first answer instead of the detector's (the baseline).
EvalResult evaluate(const Detector& det, const std::vector<LabelledText>& data, bool plain_cld2 = false);

// Primary codes (BCP-47, lower case) the detector can return.
std::vector<std::string> supported_languages(const Detector& det);

}  // namespace newsflow::langid
