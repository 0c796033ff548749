#include "stages/langid/scripts.h"

#include <array>

#include "core/utf8.h"

namespace newsflow::langid {

namespace {
constexpr std::array<std::string_view, 5> kScripts{"Latn", "Cyrl", "Arab", "Mong", "Cher"};

int script_index(char32_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) ||
      (c >= 0x1E00 && c <= 0x1EFF)) {
    return 0;
  }
  if ((c >= 0x400 && c <= 0x52F) || (c >= 0x1C80 && c <= 0x1C8F)) return 1;
  if ((c >= 0x600 && c <= 0x6FF) || (c >= 0x750 && c <= 0x77F) || (c >= 0xFB50 && c <= 0xFDFF) ||
      (c >= 0xFE70 && c <= 0xFEFF)) {
    return 2;
  }
  if (c >= 0x1800 && c <= 0x18AF) return 3;
  if ((c >= 0x13A0 && c <= 0x13FF) || (c >= 0xAB70 && c <= 0xABBF)) return 4;  // Cherokee, both cases
  return -1;
}

std::array<size_t, kScripts.size()> count(std::string_view text) {
  std::array<size_t, kScripts.size()> n{};
  for (size_t i = 0; i < text.size();) {
    const int s = script_index(utf8::next(text, i));
    if (s >= 0) ++n[s];
  }
  return n;
}
}  // namespace

std::string_view main_script(std::string_view text) {
  const auto n = count(text);
  size_t best = 0;
  for (size_t i = 1; i < n.size(); ++i) {
    if (n[i] > n[best]) best = i;
  }
  return n[best] ? kScripts[best] : std::string_view();
}

std::string_view dominant_script(std::string_view text, std::string_view a, std::string_view b) {
  const auto n = count(text);
  size_t na = 0, nb = 0;
  for (size_t i = 0; i < kScripts.size(); ++i) {
    if (kScripts[i] == a) na = n[i];
    if (kScripts[i] == b) nb = n[i];
  }
  return nb > na ? b : a;
}

}  // namespace newsflow::langid
