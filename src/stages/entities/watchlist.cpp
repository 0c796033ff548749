#include "stages/entities/watchlist.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "stages/entities/fold.h"

namespace newsflow::entities {
namespace {

constexpr uint64_t kSeed = 0x3c6ef372fe94f82bull;
const std::set<std::string> kTypesAllowed = {"PER", "ORG", "LOC", "MISC"};

bool check_keys(const YAML::Node& n, const std::set<std::string>& valid, const std::string& where, std::string& error) {
  for (const auto& kv : n) {
    const std::string k = kv.first.as<std::string>();
    if (!valid.count(k)) {
      std::string list;
      for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
      error = where + ": unknown key '" + k + "' (valid: " + list + ")";
      return false;
    }
  }
  return true;
}

std::string scalar(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

// An alias is guarded (exact-case match only) when short or written in capitals: "UN", "WHO", "ECB".
bool guarded(std::string_view alias) {
  size_t letters = 0, upper = 0;
  for (unsigned char c : alias) {
    if (std::isalpha(c)) {
      ++letters;
      if (std::isupper(c)) ++upper;
    } else if (c >= 0x80 && (c & 0xC0) != 0x80) {
      ++letters;
    }
  }
  return letters <= 3 || (letters >= 2 && upper == letters);
}

}  // namespace

bool WatchlistSet::add_alias(std::string_view alias, uint32_t entity, std::string& error) {
  std::vector<Token> toks;
  tokenize(alias, toks);
  if (toks.empty()) return true;
  if (toks.size() > 12) {
    error = "alias longer than 12 tokens";
    return false;
  }
  std::string buf;
  uint64_t h = kSeed;
  for (size_t i = 0; i < toks.size(); ++i) {
    fold(toks[i].text(alias), buf);
    h = mix(h, hash(buf));
    Node& node = trie_[h];
    if (i + 1 < toks.size()) {
      node.prefix = true;
      continue;
    }
    if (guarded(alias)) {
      // Exact surface with single spaces between tokens.
      std::string surface;
      for (size_t k = 0; k < toks.size(); ++k) surface += std::string(k ? " " : "") + std::string(toks[k].text(alias));
      node.exact.emplace_back(surface, entity);
    } else if (node.folded < 0) {
      node.folded = static_cast<int32_t>(entity);  // first list wins on a clash
    }
  }
  ++aliases_;
  return true;
}

bool WatchlistSet::add_yaml(std::string_view yaml, const std::string& origin, std::string& error) {
  // yaml-cpp throws on conversions of odd shapes (e.g. a list used as a mapping key, found by
  // tests/fuzz/fuzz_watchlist): a bad file is an error, never an exception out of a reload.
  try {
    return add_yaml_checked(yaml, origin, error);
  } catch (const YAML::Exception& e) {
    error = origin + ": YAML error: " + e.what();
    return false;
  }
}

bool WatchlistSet::add_yaml_checked(std::string_view yaml, const std::string& origin, std::string& error) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    error = origin + ": YAML error: " + e.what();
    return false;
  }
  if (!root.IsMap()) {
    error = origin + ": must be a mapping with id, version, entities";
    return false;
  }
  if (!check_keys(root, {"id", "version", "description", "entities"}, origin, error)) return false;
  const std::string id = scalar(root["id"]), version = scalar(root["version"]);
  if (id.empty() || version.empty()) {
    error = origin + ": 'id' and 'version' are required strings";
    return false;
  }
  const YAML::Node list = root["entities"];
  if (!list || !list.IsSequence() || list.size() == 0) {
    error = origin + ": 'entities' must be a non-empty list";
    return false;
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < list.size(); ++i) {
    const YAML::Node e = list[i];
    const std::string where = origin + ": entities[" + std::to_string(i) + "]";
    if (!e.IsMap()) {
      error = where + ": must be a mapping";
      return false;
    }
    if (!check_keys(e, {"id", "type", "name", "aliases"}, where, error)) return false;
    WatchEntity we{id, version, scalar(e["id"]), scalar(e["type"]), scalar(e["name"])};
    if (we.id.empty() || we.name.empty()) {
      error = where + ": 'id' and 'name' are required";
      return false;
    }
    if (!ids.insert(we.id).second) {
      error = where + ": duplicate id '" + we.id + "'";
      return false;
    }
    if (!kTypesAllowed.count(we.type)) {
      error = where + ": 'type' must be PER, ORG, LOC or MISC";
      return false;
    }
    std::vector<std::string> aliases = {we.name};
    const YAML::Node al = e["aliases"];
    auto take = [&](const YAML::Node& seq) {
      if (seq.IsScalar()) {
        aliases.push_back(seq.Scalar());
        return true;
      }
      if (!seq.IsSequence()) return false;
      for (const auto& a : seq) {
        if (!a.IsScalar()) return false;
        aliases.push_back(a.Scalar());
      }
      return true;
    };
    if (al) {
      bool ok = true;
      if (al.IsMap()) {  // per language: {en: [...], de: [...]}
        for (const auto& kv : al) ok = ok && take(kv.second);
      } else {
        ok = take(al);
      }
      if (!ok) {
        error = where + ": 'aliases' must be a list of strings or a map of language -> list";
        return false;
      }
    }
    const auto idx = static_cast<uint32_t>(entities_.size());
    entities_.push_back(std::move(we));
    for (const auto& a : aliases) {
      if (!add_alias(a, idx, error)) {
        error = where + ": " + error;
        return false;
      }
    }
  }
  ++lists_;
  return true;
}

std::shared_ptr<const WatchlistSet> WatchlistSet::load(const std::string& path, std::string& error) {
  namespace fs = std::filesystem;
  auto set = std::make_shared<WatchlistSet>();
  std::error_code ec;
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (const auto& de : fs::directory_iterator(path, ec)) {
      const auto ext = de.path().extension();
      if (de.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(de.path());
    }
  } else if (fs::exists(path, ec)) {
    files.push_back(path);
  }
  std::sort(files.begin(), files.end());  // deterministic precedence on alias clashes
  std::set<std::string> list_ids;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in) {
      error = f.string() + ": cannot read";
      return nullptr;
    }
    const size_t before = set->entities_.size();
    if (!set->add_yaml(ss.str(), f.string(), error)) return nullptr;
    if (set->entities_.size() > before && !list_ids.insert(set->entities_[before].list_id).second) {
      error = f.string() + ": watchlist id '" + set->entities_[before].list_id + "' is used by another file";
      return nullptr;
    }
  }
  return set;
}

void WatchlistSet::match(std::string_view text, std::span<const Token> tokens, std::vector<WatchMatch>& out,
                         std::vector<uint64_t>& folded, std::string& buf) const {
  out.clear();
  if (trie_.empty()) return;
  const size_t n = tokens.size();
  folded.resize(n);
  for (size_t i = 0; i < n; ++i) {
    fold(tokens[i].text(text), buf);
    folded[i] = hash(buf);
  }
  std::string surface;
  for (size_t i = 0; i < n;) {
    uint64_t h = kSeed;
    size_t best_end = 0;
    uint32_t best = 0;
    for (size_t j = i; j < n && j < i + 12; ++j) {
      h = mix(h, folded[j]);
      auto it = trie_.find(h);
      if (it == trie_.end()) break;
      const Node& node = it->second;
      if (!node.exact.empty()) {
        surface.clear();
        for (size_t k = i; k <= j; ++k) {
          if (k > i) surface += ' ';
          surface += tokens[k].text(text);
        }
        for (const auto& [s, e] : node.exact) {
          if (s == surface) {
            best_end = j + 1;
            best = e;
            break;
          }
        }
      }
      if (node.folded >= 0 && best_end != j + 1) {
        best_end = j + 1;
        best = static_cast<uint32_t>(node.folded);
      }
      if (!node.prefix) break;
    }
    if (best_end) {
      out.push_back(WatchMatch{static_cast<uint32_t>(i), static_cast<uint32_t>(best_end), best});
      i = best_end;
    } else {
      ++i;
    }
  }
}

}  // namespace newsflow::entities
