#include "stages/langid/cld2_backend.h"

#include <cstdio>  // compact_lang_det.h uses FILE without including it
#include <cld2/internal/cld2tablesummary.h>
#include <cld2/internal/generated_language.h>
#include <cld2/internal/generated_ulscript.h>
#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include <algorithm>
#include <set>

namespace CLD2 {
// Exported by libcld2 (default tables) and, when linked ahead of it, by libcld2_full.
extern const CLD2TableSummary kQuad_obj;
}  // namespace CLD2

namespace newsflow::langid {

Cld2Result cld2_detect(std::string_view text, int hint_lang, bool best_effort) {
  CLD2::CLDHints hints{nullptr, nullptr, CLD2::UNKNOWN_ENCODING,
                       hint_lang >= 0 ? static_cast<CLD2::Language>(hint_lang) : CLD2::UNKNOWN_LANGUAGE};
  CLD2::Language lang3[3];
  int percent3[3];
  double score3[3];
  Cld2Result r;
  CLD2::ExtDetectLanguageSummary(text.data(), static_cast<int>(text.size()), /*is_plain_text=*/true, &hints,
                                 best_effort ? CLD2::kCLDFlagBestEffort : 0, lang3, percent3, score3,
                                 /*resultchunkvector=*/nullptr, &r.text_bytes, &r.reliable);
  for (int i = 0; i < 3; ++i) {
    r.lang[i] = lang3[i];
    r.percent[i] = percent3[i];
    r.score[i] = score3[i];
  }
  return r;
}

std::string_view cld2_code(int lang) {
  if (lang < 0 || lang >= CLD2::NUM_LANGUAGES) return "un";
  return CLD2::LanguageCode(static_cast<CLD2::Language>(lang));
}

int cld2_from_code(std::string_view code) {
  if (code.empty() || code.size() > 15) return -1;
  char buf[16];
  std::copy(code.begin(), code.end(), buf);
  buf[code.size()] = 0;
  const CLD2::Language l = CLD2::GetLanguageFromName(buf);
  return l == CLD2::UNKNOWN_LANGUAGE ? -1 : static_cast<int>(l);
}

std::vector<std::string> cld2_recognized_codes() {
  std::set<std::string> out;
  std::string_view list = CLD2::kQuad_obj.kRecognizedLangScripts ? CLD2::kQuad_obj.kRecognizedLangScripts : "";
  while (!list.empty()) {
    const size_t sp = list.find(' ');
    std::string_view item = list.substr(0, sp);
    list = sp == std::string_view::npos ? std::string_view() : list.substr(sp + 1);
    // "zh-Hant-Latn" → "zh-Hant"; "en-Latn" → "en": drop the trailing script of the table entry.
    const size_t dash = item.rfind('-');
    if (dash != std::string_view::npos) item = item.substr(0, dash);
    if (!item.empty() && item != "un") out.emplace(item);
  }
  for (int s = 0; s < CLD2::NUM_ULSCRIPTS; ++s) {
    const auto script = static_cast<CLD2::ULScript>(s);
    if (CLD2::ULScriptRecognitionType(script) == CLD2::RTypeOne) {
      out.emplace(CLD2::LanguageCode(CLD2::DefaultLanguage(script)));
    }
  }
  for (const char* cjk : {"zh", "zh-Hant", "ja", "ko"}) out.emplace(cjk);
  return {out.begin(), out.end()};
}

std::string_view cld2_tables() {
  // The full tables recognise ~160 languages in the quadgram table, the default ones ~80.
  std::string_view list = CLD2::kQuad_obj.kRecognizedLangScripts ? CLD2::kQuad_obj.kRecognizedLangScripts : "";
  return list.find("haw-Latn") != std::string_view::npos ? "full" : "default";
}

}  // namespace newsflow::langid
