// Readers for NER column files: CoNLL-2003 (4 columns, IOB1), CoNLL-2002 (3 columns), WikiANN
// ("de:token<TAB>tag") and GermEval 2014 (index, token, outer tag, nested tag).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stages/entities/ner_model.h"

namespace newsflow::entities {

enum class ConllFormat { conll, wikiann, germeval };
bool parse_format(std::string_view s, ConllFormat& out);

struct ConllDoc {
  std::vector<std::string> tokens;
  std::vector<uint8_t> tags;  // label ids as written (IOB1 or IOB2)
  std::vector<Sentence> sentences;
};

struct ConllCorpus {
  std::vector<ConllDoc> docs;
  size_t tokens = 0;
  size_t sentences = 0;
};

// Reads `path`. Files without -DOCSTART- lines are grouped into documents of `group` sentences
// (consecutive sentences of a newswire file usually share a story). Returns false with `error` set.
bool read_conll(const std::string& path, ConllFormat format, size_t group, ConllCorpus& out, std::string& error);

// IOB1/IOB2 -> IOB2 (an I- that starts a chunk becomes B-).
void to_iob2(const std::vector<Sentence>& sentences, std::vector<uint8_t>& tags);

// A view of a corpus document for the tagger.
NerDoc view(const ConllDoc& d);

}  // namespace newsflow::entities
