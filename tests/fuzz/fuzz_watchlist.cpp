// Fuzz target: the watchlist loader (src/stages/entities/watchlist.*). Property: any YAML text is
// either accepted or rejected with a message naming its origin; an accepted list has entities
// that carry its id and version, and matching its own names over arbitrary text stays in range.
#include <cstdint>
#include <string>
#include <vector>

#include "core/tokenizer.h"
#include "fuzz_check.h"
#include "stages/entities/watchlist.h"

using namespace newsflow;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  entities::WatchlistSet set;
  std::string error;
  if (!set.add_yaml(text, "fuzz.yaml", error)) {
    FUZZ_CHECK(error.rfind("fuzz.yaml", 0) == 0);
    return 0;
  }
  FUZZ_CHECK(error.empty());
  FUZZ_CHECK(!set.entities().empty() && set.lists() == 1);
  for (const auto& e : set.entities()) FUZZ_CHECK(!e.list_id.empty() && !e.list_version.empty() && !e.id.empty());

  // Match the names themselves, and the raw input as free text.
  std::string doc;
  for (const auto& e : set.entities()) doc += e.name + ". ";
  doc.append(text);
  std::vector<Token> tokens;
  tokenize(doc, tokens);
  std::vector<entities::WatchMatch> matches;
  std::vector<uint64_t> folded;
  std::string buf;
  set.match(doc, tokens, matches, folded, buf);
  uint32_t prev_end = 0;
  for (const auto& m : matches) {
    FUZZ_CHECK(m.first < m.last && m.last <= tokens.size() && m.first >= prev_end);  // non-overlapping, in order
    FUZZ_CHECK(m.entity < set.entities().size());
    prev_end = m.last;
  }
  return 0;
}
