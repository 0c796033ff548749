#include "stages/langid/detector.h"

#include <algorithm>
#include <array>
#include <utility>

#include "core/resources.h"
#include "stages/langid/cld2_backend.h"
#include "stages/langid/close_pairs.h"
#include "stages/langid/codes.h"
#include "stages/langid/exemplars.h"
#include "stages/langid/ngram_model.h"
#include "stages/langid/scripts.h"

namespace newsflow::langid {

std::string_view body_prefix(std::string_view body, size_t max_bytes) {
  if (body.size() <= max_bytes) return body;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) --end;  // code point start
  for (size_t k = end; k > 0 && end - k < 48; --k) {  // back to a space when one is close
    const char c = body[k - 1];
    if (c == ' ' || c == '\n' || c == '\t') return body.substr(0, k - 1);
  }
  return body.substr(0, end);
}

Detector::Detector(DetectorOptions opts) : opts_(std::move(opts)) {
  if (!opts_.model_path.empty()) {
    model_ = std::make_unique<NgramModel>(NgramModel::load(resource_path(opts_.model_path).string()));
  }
  if (!opts_.fallback_model_path.empty()) {
    fallback_ = std::make_unique<NgramModel>(NgramModel::load(resource_path(opts_.fallback_model_path).string()));
  }
  if (!opts_.exemplars_path.empty()) {
    exemplars_ = std::make_unique<Exemplars>(Exemplars::load(resource_path(opts_.exemplars_path).string()));
  }
}

Detector::~Detector() = default;

LanguageInfo Detector::detect(std::string_view title, std::string_view body, std::string_view hint) const {
  // One reused buffer per thread: title + newline + body prefix, no allocation once warm.
  thread_local std::string buf;
  const std::string_view prefix = body_prefix(body, opts_.body_prefix_bytes);
  buf.clear();
  buf.append(title);
  if (!title.empty() && !prefix.empty()) buf.push_back('\n');
  buf.append(prefix);
  return detect_text(buf, hint);
}

namespace {
// A code for output: BCP-47, with a script subtag for two-script languages.
std::string output_code(std::string_view bcp47, std::string_view text) {
  std::string code(bcp47);
  if (const ScriptPair* p = script_pair(code)) {
    code += '-';
    code += dominant_script(text, p->a, p->b);
  }
  return code;
}

std::string_view bcp47_of(int cld2_lang) { return bcp47_from_cld2(cld2_code(cld2_lang)); }
}  // namespace

LanguageInfo Detector::detect_text(std::string_view text, std::string_view hint) const {
  int hint_lang = -1;
  std::string hint_primary;
  if (opts_.use_hint && !hint.empty()) {
    const std::string p = primary_subtag(hint);
    hint_primary = bcp47_from_cld2(p);  // legacy tags in hints too: "iw" → "he", "no" → "nb"
    hint_lang = cld2_from_code(cld2_from_bcp47(hint_primary));
    if (p == "zh" && hint.find("Hant") != std::string_view::npos) hint_lang = cld2_from_code("zh-Hant");
  }
  Cld2Result r = cld2_detect(text, hint_lang, /*best_effort=*/false);
  // CLD2's best effort answers where it would say unknown, and calls that answer reliable; we
  // ask for it only then, and treat it as a guess unless there was enough text.
  bool guessed = false;
  if (opts_.best_effort && r.lang[0] == kCld2Unknown && r.percent[1] == 0) {
    r = cld2_detect(text, hint_lang, /*best_effort=*/true);
    guessed = true;
  }
  const std::string_view script = main_script(text);

  // CLD2's summary can rank "unknown" (text it scored to no language) first: skip such entries.
  std::array<std::pair<std::string_view, int>, 3> ranked{};
  size_t n_ranked = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string_view code = bcp47_of(r.lang[i]);
    if (code != "und" && r.percent[i] > 0) ranked[n_ranked++] = {code, r.percent[i]};
  }
  if (n_ranked == 0) ranked[n_ranked++] = {bcp47_of(r.lang[0]), r.percent[0]};

  LanguageInfo info;
  std::string_view top = ranked[0].first;
  double share = ranked[0].second / 100.0;
  // CLD2 also calls a text unreliable when part of it went to no language at all; with no rival
  // language and enough letters the answer is still the only one on offer.
  const bool sole = n_ranked == 1 && share >= 0.4 && r.text_bytes >= opts_.sole_language_bytes;
  bool reliable = guessed ? sole : (r.reliable || sole);
  if ((top == "und" || top == "chr") && script == "Cher" && text.size() >= static_cast<size_t>(opts_.min_text_bytes)) {
    // CLD2 predates the lower-case Cherokee letters (Unicode 8) and scores none of them.
    top = "chr";
    share = 1.0;
    reliable = true;
  } else if (top == "und" || r.text_bytes < opts_.min_text_bytes) {
    return info;  // nothing CLD2 could score, or too short: und, confidence 0
  }

  bool overruled = false;
  bool fallback_used = false;
  bool fallback_replaced = false;
  // Letters outside the alphabet of CLD2's answer (Kurmanji ê î û ş read as Turkish): CLD2's
  // "reliable" is then worth a second look, which may only replace the answer, never weaken it.
  bool suspicious = false;
  if (reliable && fallback_ != nullptr && exemplars_ != nullptr) {
    bool known = false;
    const Exemplars::Count c = exemplars_->count(primary_subtag(top), text, &known);
    suspicious = known && c.foreign >= opts_.foreign_min_letters &&
                 static_cast<double>(c.foreign) >= opts_.foreign_min_share * static_cast<double>(c.letters);
  }
  if ((!reliable || suspicious) && fallback_ != nullptr && r.text_bytes >= opts_.fallback_min_bytes) {
    // CLD2 is unsure (or suspicious): the fallback model, trained on every language we have text
    // for, confirms CLD2's guess or replaces it.
    size_t n = 0;
    // It costs a hash probe per n-gram and language list: it reads a prefix, like the close-pair model.
    const std::vector<NgramScore> scores = fallback_->score_all(body_prefix(text, opts_.fallback_text_bytes), &n);
    if (n > 0 && scores.size() >= 2) {
      const std::string guess = primary_subtag(top);  // owned: primary_subtag returns a new string
      const NgramScore* guess_score = nullptr;
      for (const NgramScore& s : scores) {
        if (s.lang == guess) guess_score = &s;
      }
      // Evidence in nats (log-likelihood ratio over all n-grams): a few ambiguous words
      // ("Hotel Restaurant Bar") never add up to it, so a guess is not dressed as certain.
      if (scores[0].lang == guess) {
        if (!reliable && scores[0].log_prob - scores[1].log_prob >= opts_.fallback_min_evidence) {
          reliable = true;  // two detectors agree, clearly
          fallback_used = true;
        }
      } else if (r.text_bytes >= opts_.fallback_override_bytes && (guess_score != nullptr || !reliable)) {
        // A guess the model has no text for cannot be scored: then the model's choice must stand
        // out from every language it knows (its runner-up) by the stricter fallback_unknown_margin.
        const bool unknown_guess = guess_score == nullptr;
        const double gain = scores[0].log_prob - (unknown_guess ? scores[1].log_prob : guess_score->log_prob);
        const double margin = unknown_guess ? opts_.fallback_unknown_margin : opts_.fallback_margin;
        if (gain / static_cast<double>(n) > margin && gain >= opts_.fallback_min_evidence) {
          top = scores[0].lang;  // a view into the model's language list, which outlives this call
          reliable = true;
          overruled = true;
          fallback_used = true;
          fallback_replaced = true;
        }
      }
    }
  }
  // A hint CLD2 agreed with settles a close group: the publisher knows nb from da.
  if (model_ != nullptr && hint_primary != primary_subtag(top)) {
    const std::vector<std::string_view> group = close_group(primary_subtag(top), script);
    if (!group.empty()) {
      // The model costs a hash lookup per feature: it reads a shorter prefix than CLD2.
      const SecondOpinion s =
          second_opinion(*model_, body_prefix(text, opts_.model_text_bytes), primary_subtag(top), group);
      if (!s.lang.empty() && s.lang != primary_subtag(top) && s.margin > opts_.override_margin) {
        top = s.lang;
        overruled = true;
      }
    }
  }
  if (!reliable && !opts_.report_unreliable) {
    // Never a guess dressed as certain: the guess stays visible as an alternative.
    info.alternatives.push_back({output_code(top, text), share});
    return info;
  }
  info.code = output_code(top, text);
  info.reliable = reliable;
  // The language's share of the text CLD2 gave to any language (it leaves some to none), halved
  // when CLD2 was unsure, lowered when the model and CLD2 disagreed inside a close group.
  int attributed = 0;
  for (size_t i = 0; i < n_ranked; ++i) attributed += ranked[i].second;
  const double own = attributed > 0 ? share * 100.0 / attributed : share;
  // A guess the fallback model only confirmed counts as less sure than CLD2's own reliable answer.
  // When the fallback replaced CLD2's answer, CLD2's shares say nothing about the new one: 0.5.
  info.confidence = fallback_replaced
                        ? 0.5
                        : std::clamp(own * (reliable ? 1.0 : 0.5) * (overruled || fallback_used ? 0.75 : 1.0), 0.0, 1.0);
  for (size_t i = 0; i < n_ranked; ++i) {
    if (ranked[i].first != top && ranked[i].first != "und") info.alternatives.push_back({output_code(ranked[i].first, text), ranked[i].second / 100.0});
  }
  return info;
}

}  // namespace newsflow::langid
