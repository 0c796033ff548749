// JSON Lines input and output: the embedded default, no broker needed.
#pragma once

#include <cstdio>
#include <string>

#include "core/article.h"
#include "graph/sink.h"

namespace newsflow {

// Reads one record per line from a file or stdin ("-"). Blank lines are skipped and counted.
class JsonlSource {
 public:
  // Throws std::runtime_error when the file cannot be opened.
  explicit JsonlSource(const std::string& path);
  ~JsonlSource();
  JsonlSource(const JsonlSource&) = delete;
  JsonlSource& operator=(const JsonlSource&) = delete;

  // Next non-blank line as a record; false at end of input. Throws on a read error.
  bool next(Record& record);
  int64_t blank_lines() const { return blank_lines_; }
  const std::string& name() const { return name_; }

 private:
  std::FILE* file_;
  bool owned_;
  std::string name_;
  int64_t line_ = 0;
  int64_t blank_lines_ = 0;
  char* buf_ = nullptr;
  size_t cap_ = 0;
};

struct JsonlCounts {
  int64_t output = 0;
  int64_t duplicates = 0;
  int64_t dropped = 0;
  int64_t dead_letters = 0;
};

// Writes enriched articles (and routed duplicates) to the output and dead letters, one JSON
// object per line, to the DLQ file. Files are opened on construction; throws when they cannot be.
class JsonlSink : public Sink {
 public:
  JsonlSink(const std::string& output_path, const std::string& dlq_path);
  ~JsonlSink() override;
  void deliver(Article& article) override;
  // Flushes and checks both files; throws std::runtime_error on a write error.
  void close();
  const JsonlCounts& counts() const { return counts_; }

 private:
  std::FILE* out_;
  std::FILE* dlq_ = nullptr;
  bool out_owned_;
  std::string out_path_;  // for messages: the file, or "<stdout>"
  std::string dlq_path_;
  std::string scratch_;
  JsonlCounts counts_;
};

// "<output>.dlq.jsonl", or "newsflow.dlq.jsonl" when the output is stdout.
std::string default_dlq_path(const std::string& output_path);

}  // namespace newsflow
