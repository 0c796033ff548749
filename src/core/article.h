// The unit of work: one input record, its parsed fields and the annotations the stages add.
// Owned strings; string_views into `raw` are never stored across stages.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/tokenizer.h"

namespace newsflow {

// Where a record came from. Kafka fills topic/partition/offset, JSONL fills file/line.
struct SourcePosition {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  std::string file;
  int64_t line = -1;
};

struct Header {
  std::string key;
  std::optional<std::string> value;  // Kafka headers may have null values
};

// An input record exactly as received. Kept byte-for-byte for the DLQ.
struct Record {
  std::optional<std::string> key;
  std::optional<std::string> value;  // nullopt = Kafka tombstone
  std::vector<Header> headers;
  SourcePosition position;
  int64_t timestamp_ms = -1;  // record timestamp (for end-to-end latency), -1 unknown
  uint64_t sequence = 0;      // assigned by the pipeline: total order of submission
  uint64_t source_tag = 0;    // opaque to the graph: the source's bookkeeping (Kafka: offset ticket)
};

// Which text field a span points into. Offsets are UTF-8 byte offsets into that field.
enum class Field : uint8_t { title, body };
std::string_view to_string(Field f);

struct Span {
  Field field = Field::body;
  uint32_t start = 0;  // byte offset, inclusive
  uint32_t end = 0;    // byte offset, exclusive
};

enum class Polarity : uint8_t { negative, neutral, positive };
std::string_view to_string(Polarity p);

// --- annotations, one per stage (the output schema: schema/output.schema.json) ---

struct DedupInfo {
  enum class Status : uint8_t { unique, exact_duplicate, near_duplicate };
  Status status = Status::unique;
  std::string cluster_id;    // id of the cluster's first-seen article
  std::string duplicate_of;  // empty for unique
  double similarity = 0.0;   // 1.0 for exact duplicates
  std::string first_seen_at; // RFC 3339 of the cluster's first article
};
std::string_view to_string(DedupInfo::Status s);

struct LanguageInfo {
  struct Alternative {
    std::string code;
    double share = 0.0;
  };
  std::string code = "und";  // BCP-47
  double confidence = 0.0;   // [0,1]
  bool reliable = false;
  std::vector<Alternative> alternatives;  // at most 3
};

struct Sentiment {
  Polarity polarity = Polarity::neutral;
  double score = 0.0;       // [-1,1]
  double confidence = 0.0;  // [0,1]
};

struct WatchlistRef {
  std::string id;       // watchlist id
  std::string version;  // watchlist version
  std::string entity_id;  // canonical id of the entity in that watchlist
};

struct Entity {
  std::string text;       // representative surface form
  std::string type;       // PER | ORG | LOC | MISC
  std::string canonical;  // canonical name after in-document linking / watchlist
  std::optional<WatchlistRef> watchlist;
  std::vector<Span> mentions;
  uint32_t count = 0;
  double salience = 0.0;
  std::optional<Sentiment> sentiment;
};

struct QuoteTarget {
  std::string entity;  // canonical name
  Polarity polarity = Polarity::neutral;
  double score = 0.0;
};

struct Quote {
  std::string speaker;  // canonical name, empty if unattributed
  std::string text;     // the quoted words without the marks
  Span span;            // of the quoted words
  std::optional<Span> speaker_span;
  std::vector<QuoteTarget> targets;
};

// What happens to the article at the end of the graph.
enum class Route : uint8_t { output, duplicates, drop, dead_letter };

struct Article {
  Record record;  // the original input (value kept for DLQ and unknown-field pass-through)

  // Parsed input fields (empty when absent or null).
  std::string id;
  std::string title;
  std::string body;
  std::string url;
  std::string source;
  std::string published_at;
  std::string language_hint;

  // Annotations.
  std::optional<DedupInfo> dedup;
  std::optional<LanguageInfo> language;
  std::vector<Entity> entities;
  bool entities_done = false;  // distinguishes "no entities found" from "stage not run"
  std::vector<Quote> quotes;
  bool quotes_done = false;

  Route route = Route::output;
  std::optional<Error> error;  // set when route == dead_letter

  // A record for the dedup state topic that must be produced together with this article's output
  // (exactly-once: in the same transaction). Empty key = none. Set by the dedup stage.
  std::string state_key, state_value;

  std::string output;  // the serialised enriched message, filled by the graph just before the sink

  std::string_view text(Field f) const { return f == Field::title ? title : body; }

  // Tokens and sentences of a text field: tokenised on first use, then shared by every later
  // stage (entities and stance read the same tokens). Stages never change title or body. Four
  // vectors allocated per article: measured cheaper than tokenising twice (bench/RESULTS.md).
  const TokenizedText& tokens(Field f) {
    if (!tokenized_) {
      tokenize_text(title, title_tokens_);
      tokenize_text(body, body_tokens_);
      tokenized_ = true;
    }
    return f == Field::title ? title_tokens_ : body_tokens_;
  }

 private:
  TokenizedText title_tokens_, body_tokens_;
  bool tokenized_ = false;
};

using ArticlePtr = std::shared_ptr<Article>;

}  // namespace newsflow
