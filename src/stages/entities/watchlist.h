// Watchlists: versioned YAML lists of entities (canonical id, type, name, aliases in several
// languages), compiled into one token trie matched in a single pass over folded tokens.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tokenizer.h"

namespace newsflow::entities {

struct WatchEntity {
  std::string list_id, list_version;  // the watchlist that produced it
  std::string id, type, name;
};

struct WatchMatch {
  uint32_t first, last;  // token range, last exclusive
  uint32_t entity;       // index into WatchlistSet::entities()
};

class WatchlistSet {
 public:
  // Loads every *.yaml / *.yml file of `dir` (a missing directory gives an empty set), or one file.
  // Returns nullptr with a message naming file and entry on any invalid content.
  static std::shared_ptr<const WatchlistSet> load(const std::string& path, std::string& error);
  // Parses one YAML document (used by load and tests); `origin` names it in errors.
  bool add_yaml(std::string_view yaml, const std::string& origin, std::string& error);

  // Leftmost-longest, non-overlapping matches over `tokens` of `text`. `folded` receives the
  // folded token hashes (reusable buffer).
  void match(std::string_view text, std::span<const Token> tokens, std::vector<WatchMatch>& out,
             std::vector<uint64_t>& folded, std::string& buf) const;

  const std::vector<WatchEntity>& entities() const { return entities_; }
  size_t lists() const { return lists_; }
  size_t aliases() const { return aliases_; }

 private:
  struct Node {
    bool prefix = false;
    int32_t folded = -1;  // entity matched by the folded form
    // Guarded aliases (short or all-caps): exact surface -> entity.
    std::vector<std::pair<std::string, uint32_t>> exact;
  };
  bool add_alias(std::string_view alias, uint32_t entity, std::string& error);
  bool add_yaml_checked(std::string_view yaml, const std::string& origin, std::string& error);

  std::unordered_map<uint64_t, Node> trie_;  // hash of folded token prefix -> node
  std::vector<WatchEntity> entities_;
  size_t lists_ = 0, aliases_ = 0;
};

}  // namespace newsflow::entities
