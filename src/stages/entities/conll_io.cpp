#include "stages/entities/conll_io.h"

#include <fstream>

namespace newsflow::entities {
namespace {

std::vector<std::string_view> split_ws(std::string_view line, bool tabs_only) {
  std::vector<std::string_view> cols;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == '\t' || (!tabs_only && line[i] == ' '))) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != '\t' && (tabs_only || line[j] != ' ')) ++j;
    if (j > i) cols.push_back(line.substr(i, j - i));
    i = j;
  }
  return cols;
}

// GermEval outer tag -> our types: OTH and *deriv are MISC, *part is O.
std::string_view germeval_tag(std::string_view t, std::string& buf) {
  if (t.size() < 3) return "O";
  if (t.ends_with("part")) return "O";
  buf.assign(t.substr(0, 2));
  std::string_view type = t.substr(2);
  if (type.ends_with("deriv") || type == "OTH") buf += "MISC";
  else buf += type;
  return buf;
}

}  // namespace

bool parse_format(std::string_view s, ConllFormat& out) {
  if (s == "conll") out = ConllFormat::conll;
  else if (s == "wikiann") out = ConllFormat::wikiann;
  else if (s == "germeval") out = ConllFormat::germeval;
  else return false;
  return true;
}

bool read_conll(const std::string& path, ConllFormat format, size_t group, ConllCorpus& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read " + path;
    return false;
  }
  out = ConllCorpus{};
  bool has_docstart = false;
  ConllDoc doc;
  size_t sent_first = 0;
  auto end_sentence = [&] {
    if (doc.tokens.size() > sent_first) {
      doc.sentences.push_back(Sentence{static_cast<uint32_t>(sent_first), static_cast<uint32_t>(doc.tokens.size())});
      ++out.sentences;
    }
    sent_first = doc.tokens.size();
  };
  auto end_doc = [&] {
    end_sentence();
    if (!doc.tokens.empty()) {
      out.tokens += doc.tokens.size();
      out.docs.push_back(std::move(doc));
    }
    doc = ConllDoc{};
    sent_first = 0;
  };
  std::string line, buf;
  size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (format == ConllFormat::germeval && line.starts_with("#")) continue;
    const auto cols = split_ws(line, format != ConllFormat::conll);
    if (cols.empty()) {
      end_sentence();
      if (!has_docstart && group > 0 && doc.sentences.size() >= group) end_doc();
      continue;
    }
    if (cols[0] == "-DOCSTART-") {
      has_docstart = true;
      end_doc();
      continue;
    }
    std::string_view token, tag;
    if (format == ConllFormat::germeval) {
      if (cols.size() < 3) {
        error = path + ":" + std::to_string(lineno) + ": expected index, token, tag";
        return false;
      }
      token = cols[1];
      tag = germeval_tag(cols[2], buf);
    } else {
      if (cols.size() < 2) {
        error = path + ":" + std::to_string(lineno) + ": expected token and tag";
        return false;
      }
      token = cols[0];
      tag = cols.back();
      if (format == ConllFormat::wikiann) {
        const size_t c = token.find(':');
        if (c != std::string_view::npos && c <= 3 && c + 1 < token.size()) token.remove_prefix(c + 1);
      }
    }
    doc.tokens.emplace_back(token);
    doc.tags.push_back(static_cast<uint8_t>(parse_label(tag)));
  }
  end_doc();
  if (out.tokens == 0) {
    error = path + ": no tokens";
    return false;
  }
  return true;
}

void to_iob2(const std::vector<Sentence>& sentences, std::vector<uint8_t>& tags) {
  for (const Sentence& s : sentences) {
    int prev = 0;
    for (uint32_t i = s.first; i < s.last; ++i) {
      int t = tags[i];
      if (t != 0 && !label_begin(t) && (prev == 0 || label_type(prev) != label_type(t))) t = make_label(label_type(t), true);
      tags[i] = static_cast<uint8_t>(t);
      prev = t;
    }
  }
}

NerDoc view(const ConllDoc& d) {
  NerDoc v;
  v.tokens.reserve(d.tokens.size());
  for (const auto& t : d.tokens) v.tokens.emplace_back(t);
  v.sentences = d.sentences;
  return v;
}

}  // namespace newsflow::entities
