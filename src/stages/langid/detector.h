// Language detection of one article: CLD2 on the title plus a prefix of the body, legacy codes
// mapped to BCP-47, an optional second opinion (NgramModel) on short or ambiguous text.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/article.h"

namespace newsflow::langid {

class NgramModel;
class Exemplars;

struct DetectorOptions {
  size_t body_prefix_bytes = 512;   // body bytes read after the title (cut at a UTF-8 / word boundary)
  int min_text_bytes = 12;          // fewer scored letter bytes than this → "und"
  int sole_language_bytes = 64;     // CLD2 unreliable but no rival language over this many letters → reliable
  bool best_effort = true;          // CLD2's kCLDFlagBestEffort: an answer for text it would call unknown
  bool use_hint = true;             // pass the input's language hint to CLD2 as a prior
  bool report_unreliable = false;   // true: keep CLD2's unreliable guess as the code (reliable=false)
  std::string model_path = "config/models/langid-closepairs.bin";  // second opinion; "" = CLD2 only
  size_t model_text_bytes = 128;    // bytes of the text the second opinion reads
  double override_margin = 0.3;     // mean log-prob gain per n-gram the model needs to overrule CLD2
  // Fallback for CLD2's unreliable answers: a model over every language we have training text for.
  std::string fallback_model_path = "config/models/langid-fallback.bin";  // "" = none
  double fallback_margin = 0.1;     // gain per n-gram the fallback needs to overrule CLD2's guess
  double fallback_unknown_margin = 1.0;  // same, over the runner-up, for an unsure guess it cannot score
  double fallback_min_evidence = 30;  // log-likelihood ratio (nats) the fallback needs, in total
  size_t fallback_text_bytes = 256; // bytes of the text the fallback reads
  int fallback_min_bytes = 16;      // fewer letters scored by CLD2: its unreliable verdict stands
  int fallback_override_bytes = 32; // fewer: the fallback may confirm CLD2's guess, not replace it
  // Alphabets (CLDR exemplars): a reliable CLD2 answer is re-checked by the fallback when the text
  // has at least foreign_min_letters letters, and foreign_min_share of its letters, outside it.
  std::string exemplars_path = "config/models/langid-exemplars.tsv";  // "" = never re-check
  size_t foreign_min_letters = 3;
  double foreign_min_share = 0.02;
};

class Detector {
 public:
  explicit Detector(DetectorOptions opts);
  ~Detector();
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;

  // Thread-safe. `hint` is a BCP-47 tag or empty.
  LanguageInfo detect(std::string_view title, std::string_view body, std::string_view hint) const;
  // Detection on one already assembled text (what eval uses).
  LanguageInfo detect_text(std::string_view text, std::string_view hint) const;

  const DetectorOptions& options() const { return opts_; }
  const NgramModel* model() const { return model_.get(); }
  const NgramModel* fallback_model() const { return fallback_.get(); }

 private:
  DetectorOptions opts_;
  std::unique_ptr<NgramModel> model_;
  std::unique_ptr<NgramModel> fallback_;
  std::unique_ptr<Exemplars> exemplars_;
};

// The body prefix the detector reads: at most `max_bytes`, cut back to a code point boundary and,
// when one is near, to the last whitespace so no half word is scored.
std::string_view body_prefix(std::string_view body, size_t max_bytes);

}  // namespace newsflow::langid
