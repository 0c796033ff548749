#include "stages/langid/exemplars.h"

#include <utf8proc.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "core/utf8.h"

namespace newsflow::langid {

Exemplars Exemplars::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read langid exemplars " + path);
  Exemplars e;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    if (tab == 0 || tab == std::string::npos || !utf8::valid(line)) throw std::runtime_error("bad langid exemplars line in " + path);
    std::vector<char32_t> cps;
    const std::string_view letters = std::string_view(line).substr(tab + 1);
    for (size_t i = 0; i < letters.size();) cps.push_back(utf8::next(letters, i));
    std::sort(cps.begin(), cps.end());
    e.letters_[line.substr(0, tab)] = std::move(cps);
  }
  return e;
}

Exemplars::Count Exemplars::count(std::string_view lang, std::string_view text, bool* known) const {
  Count c;
  const auto it = letters_.find(lang);
  *known = it != letters_.end();
  if (!*known) return c;
  const std::vector<char32_t>& own = it->second;
  for (size_t i = 0; i < text.size();) {
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {  // ASCII: any letter may come with a name or a loan word
      c.letters += ((b | 0x20) >= 'a' && (b | 0x20) <= 'z');
      ++i;
      continue;
    }
    const char32_t cp = utf8::next(text, i);
    const utf8proc_category_t cat = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
    if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO) continue;  // marks come decomposed: not counted
    ++c.letters;
    const char32_t lower = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(cp)));
    c.foreign += !std::binary_search(own.begin(), own.end(), lower);
  }
  return c;
}

}  // namespace newsflow::langid
