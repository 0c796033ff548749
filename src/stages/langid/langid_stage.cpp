#include "stages/langid/langid_stage.h"

#include "stages/langid/detector.h"

namespace newsflow {

namespace {
class LangidStage final : public Stage {
 public:
  explicit LangidStage(langid::DetectorOptions opts) : det_(std::move(opts)) {}
  std::string_view name() const override { return "langid"; }
  void process(Article& a) override { a.language = det_.detect(a.title, a.body, a.language_hint); }

 private:
  langid::Detector det_;
};
}  // namespace

std::unique_ptr<Stage> make_langid_stage(Settings& s) {
  langid::DetectorOptions o;
  o.body_prefix_bytes = static_cast<size_t>(s.get_int("body_prefix_bytes", static_cast<int64_t>(o.body_prefix_bytes), 0, 1 << 20));
  o.min_text_bytes = static_cast<int>(s.get_int("min_text_bytes", o.min_text_bytes, 0, 4096));
  o.use_hint = s.get_bool("use_hint", o.use_hint);
  o.report_unreliable = s.get_bool("report_unreliable", o.report_unreliable);
  o.sole_language_bytes = static_cast<int>(s.get_int("sole_language_bytes", o.sole_language_bytes, 0, 1 << 20));
  o.model_path = s.get_string("model", o.model_path);  // "" disables the second opinion
  o.model_text_bytes = static_cast<size_t>(s.get_int("model_text_bytes", static_cast<int64_t>(o.model_text_bytes), 0, 1 << 20));
  o.override_margin = s.get_double("override_margin", o.override_margin, 0.0, 100.0);
  o.fallback_model_path = s.get_string("fallback_model", o.fallback_model_path);  // "" disables it
  o.fallback_margin = s.get_double("fallback_margin", o.fallback_margin, 0.0, 100.0);
  o.fallback_unknown_margin = s.get_double("fallback_unknown_margin", o.fallback_unknown_margin, 0.0, 100.0);
  o.fallback_min_evidence = s.get_double("fallback_min_evidence", o.fallback_min_evidence, 0.0, 1e6);
  o.fallback_override_bytes = static_cast<int>(s.get_int("fallback_override_bytes", o.fallback_override_bytes, 0, 1 << 20));
  o.fallback_min_bytes = static_cast<int>(s.get_int("fallback_min_bytes", o.fallback_min_bytes, 0, 1 << 20));
  o.fallback_text_bytes = static_cast<size_t>(s.get_int("fallback_text_bytes", static_cast<int64_t>(o.fallback_text_bytes), 16, 1 << 20));
  o.exemplars_path = s.get_string("exemplars", o.exemplars_path);  // "" never re-checks reliable answers
  o.foreign_min_letters = static_cast<size_t>(s.get_int("foreign_min_letters", static_cast<int64_t>(o.foreign_min_letters), 1, 1 << 20));
  o.foreign_min_share = s.get_double("foreign_min_share", o.foreign_min_share, 0.0, 1.0);
  return std::make_unique<LangidStage>(std::move(o));
}

}  // namespace newsflow
