#include "stages/langid/eval.h"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

#include "stages/langid/cld2_backend.h"
#include "stages/langid/codes.h"

namespace newsflow::langid {

namespace {
// CPU time of this thread: on a shared machine wall time also counts other processes' turns.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

size_t code_points(std::string_view s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string_view trim(std::string_view s) {
  const auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

bool keep(std::string_view text, const EvalOptions& o) {
  const size_t n = code_points(text);
  return !text.empty() && n >= o.min_chars && (o.max_chars == 0 || n <= o.max_chars);
}

void load_lines(const std::filesystem::path& file, const std::string& lang, const EvalOptions& o,
                std::vector<LabelledText>& out) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::string line;
  while (std::getline(in, line)) {
    const std::string_view t = trim(line);
    if (keep(t, o)) out.push_back({lang, std::string(t)});
  }
}
}  // namespace

std::vector<LabelledText> load_eval_data(const EvalOptions& o) {
  namespace fs = std::filesystem;
  std::vector<LabelledText> out;
  std::error_code ec;
  if (o.format == "lingua") {
    const fs::path root(o.data);
    if (fs::is_directory(root, ec)) {
      std::vector<fs::path> dirs;
      for (const auto& e : fs::directory_iterator(root)) {
        if (e.is_directory() && fs::exists(e.path() / o.lingua_file)) dirs.push_back(e.path());
      }
      if (dirs.empty()) throw std::runtime_error("no <lang>/" + o.lingua_file + " under " + o.data);
      std::sort(dirs.begin(), dirs.end());
      for (const auto& d : dirs) load_lines(d / o.lingua_file, primary_subtag(d.filename().string()), o, out);
    } else {
      load_lines(root, primary_subtag(root.parent_path().filename().string()), o, out);
    }
    return out;
  }
  std::map<std::string, std::string, std::less<>> selection;  // declaration code → language
  if (!o.declarations.empty()) {
    std::ifstream sel(o.declarations);
    if (!sel) throw std::runtime_error("cannot read " + o.declarations);
    std::string row;
    while (std::getline(sel, row)) {
      const std::string_view t = trim(row);
      if (t.empty() || t.front() == '#') continue;
      const size_t tab = t.find('\t');
      if (tab == std::string_view::npos || tab == 0 || trim(t.substr(tab + 1)).empty()) {
        throw std::runtime_error(o.declarations + ": expected code<TAB>lang[<TAB>name] lines");
      }
      const std::string_view rest = t.substr(tab + 1);
      selection.emplace(std::string(t.substr(0, tab)), primary_subtag(trim(rest.substr(0, rest.find('\t')))));
    }
    if (selection.empty()) throw std::runtime_error(o.declarations + ": no declarations");
  }
  std::ifstream in(o.data);
  if (!in) throw std::runtime_error("cannot read " + o.data);
  simdjson::dom::parser parser;
  std::string line;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (trim(line).empty()) continue;
    simdjson::dom::element doc;
    std::string_view lang, text;
    if (parser.parse(line).get(doc) || doc["lang"].get(lang) || doc["text"].get(text)) {
      throw std::runtime_error(o.data + ":" + std::to_string(lineno) + ": expected a JSON object with string lang and text");
    }
    text = trim(text);
    if (!selection.empty()) {
      std::string_view code, element = "p";
      if (doc["code"].get(code)) continue;  // not a declaration record
      if (doc["element"].get(element)) element = "p";  // absent: a paragraph
      const auto it = selection.find(code);
      if (it == selection.end() || element != "p") continue;
      if (keep(text, o)) out.push_back({it->second, std::string(text)});
      continue;
    }
    if (keep(text, o)) out.push_back({primary_subtag(lang), std::string(text)});
  }
  return out;
}

std::vector<std::string> supported_languages(const Detector&) {
  std::set<std::string> out;
  for (const auto& c : cld2_recognized_codes()) {
    const std::string p = primary_subtag(bcp47_from_cld2(c));
    if (p != "und" && p != "zzp" && p != "zzb") out.insert(p);
  }
  return {out.begin(), out.end()};
}

EvalResult evaluate(const Detector& det, const std::vector<LabelledText>& data, bool plain_cld2) {
  const std::vector<std::string> sup = supported_languages(det);
  const std::set<std::string> supported(sup.begin(), sup.end());
  EvalResult res;
  std::vector<std::string> predicted(data.size());
  const auto t0 = std::chrono::steady_clock::now();
  const double c0 = thread_cpu_seconds();
  for (size_t i = 0; i < data.size(); ++i) {
    if (plain_cld2) {  // the baseline: CLD2's first answer, legacy code mapped, nothing else
      const std::string_view prefix = body_prefix(data[i].text, det.options().body_prefix_bytes);
      predicted[i] = bcp47_from_cld2(cld2_code(cld2_detect(prefix, -1, false).lang[0]));
    } else {
      predicted[i] = det.detect({}, data[i].text, {}).code;
    }
  }
  res.cpu_seconds = thread_cpu_seconds() - c0;
  res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  for (size_t i = 0; i < data.size(); ++i) {
    const std::string& gold = data[i].lang;
    LangScore& ls = res.per_lang[gold];
    ls.supported = supported.count(gold) > 0;
    const bool ok = primary_subtag(predicted[i]) == gold;
    ++res.n;
    ++ls.n;
    res.correct += ok;
    ls.correct += ok;
    if (ls.supported) {
      ++res.n_supported;
      res.correct_supported += ok;
    }
    if (!ok) ++ls.confusions[predicted[i]];
  }
  return res;
}

double EvalResult::mean_language_accuracy() const {
  if (per_lang.empty()) return 0.0;
  double sum = 0;
  for (const auto& [lang, s] : per_lang) sum += s.n ? double(s.correct) / s.n : 0.0;
  return sum / per_lang.size();
}

size_t EvalResult::languages_supported() const {
  return static_cast<size_t>(std::count_if(per_lang.begin(), per_lang.end(), [](const auto& kv) { return kv.second.supported; }));
}

}  // namespace newsflow::langid
