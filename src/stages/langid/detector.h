// Language detection of one article: CLD2 on the title plus a prefix of the body, legacy codes
// mapped to BCP-47, an optional second opinion (NgramModel) on short or ambiguous text.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/article.h"

namespace newsflow::langid {

class NgramModel;

struct DetectorOptions {
  size_t body_prefix_bytes = 1024;  // body bytes read after the title (cut at a UTF-8 / word boundary)
  int min_text_bytes = 12;          // fewer scored letter bytes than this → "und"
  int sole_language_bytes = 64;     // CLD2 unreliable but no rival language over this many letters → reliable
  bool use_hint = true;             // pass the input's language hint to CLD2 as a prior
  bool report_unreliable = false;   // true: keep CLD2's unreliable guess as the code (reliable=false)
  std::string model_path = "config/models/langid-closepairs.bin";  // second opinion; "" = CLD2 only
  double override_margin = 0.3;     // mean log-prob gain per n-gram the model needs to overrule CLD2
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

 private:
  DetectorOptions opts_;
  std::unique_ptr<NgramModel> model_;
};

// The body prefix the detector reads: at most `max_bytes`, cut back to a code point boundary and,
// when one is near, to the last whitespace so no half word is scored.
std::string_view body_prefix(std::string_view body, size_t max_bytes);

}  // namespace newsflow::langid
