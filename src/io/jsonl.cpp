#include "io/jsonl.h"

#include <simdjson.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "codec/article_writer.h"

namespace newsflow {
namespace {

std::runtime_error io_error(const std::string& what, const std::string& path) {
  return std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

JsonlSource::JsonlSource(const std::string& path) : owned_(path != "-"), name_(path == "-" ? "<stdin>" : path) {
  file_ = owned_ ? std::fopen(path.c_str(), "rb") : stdin;
  if (!file_) throw io_error("cannot open input", path);
}

JsonlSource::~JsonlSource() {
  if (owned_ && file_) std::fclose(file_);
  std::free(buf_);
}

bool JsonlSource::next(Record& record) {
  for (;;) {
    const ssize_t n = getline(&buf_, &cap_, file_);
    if (n < 0) {
      if (std::ferror(file_)) throw io_error("cannot read input", name_);
      return false;
    }
    ++line_;
    size_t len = static_cast<size_t>(n);
    if (len > 0 && buf_[len - 1] == '\n') --len;
    if (len > 0 && buf_[len - 1] == '\r') --len;
    bool blank = true;
    for (size_t i = 0; i < len && blank; ++i) blank = buf_[i] == ' ' || buf_[i] == '\t';
    if (blank) {
      ++blank_lines_;
      continue;
    }
    std::string value;
    value.reserve(len + simdjson::SIMDJSON_PADDING);  // lets the parser read in place
    value.assign(buf_, len);
    record = Record{};
    record.value = std::move(value);
    record.position.file = name_;
    record.position.line = line_;
    // A line has no timestamp of its own: read time stands in, so end-to-end latency is measured.
    record.timestamp_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return true;
  }
}

std::string default_dlq_path(const std::string& output_path) {
  return output_path == "-" ? "newsflow.dlq.jsonl" : output_path + ".dlq.jsonl";
}

JsonlSink::JsonlSink(const std::string& output_path, const std::string& dlq_path)
    : out_owned_(output_path != "-"), out_path_(out_owned_ ? output_path : "<stdout>"), dlq_path_(dlq_path) {
  out_ = out_owned_ ? std::fopen(output_path.c_str(), "wb") : stdout;
  if (!out_) throw io_error("cannot create output", output_path);
  // The DLQ file is created eagerly so a bad path fails at start-up, not at the first bad line.
  dlq_ = std::fopen(dlq_path.c_str(), "wb");
  if (!dlq_) throw io_error("cannot create dead-letter file", dlq_path);
}

JsonlSink::~JsonlSink() {
  if (out_owned_ && out_) std::fclose(out_);
  if (dlq_) std::fclose(dlq_);
}

void JsonlSink::deliver(Article& a) {
  switch (a.route) {
    case Route::output:
    case Route::duplicates: {
      a.output += '\n';
      if (std::fwrite(a.output.data(), 1, a.output.size(), out_) != a.output.size()) throw io_error("cannot write output", out_path_);
      ++(a.route == Route::output ? counts_.output : counts_.duplicates);
      break;
    }
    case Route::drop:
      ++counts_.dropped;
      break;
    case Route::dead_letter: {
      scratch_.clear();
      write_dead_letter(a, scratch_);
      scratch_ += '\n';
      if (std::fwrite(scratch_.data(), 1, scratch_.size(), dlq_) != scratch_.size()) throw io_error("cannot write", dlq_path_);
      ++counts_.dead_letters;
      break;
    }
  }
}

void JsonlSink::close() {
  if (std::fflush(out_) != 0 || std::ferror(out_)) throw io_error("cannot write output", out_path_);
  if (std::fflush(dlq_) != 0 || std::ferror(dlq_)) throw io_error("cannot write", dlq_path_);
}

}  // namespace newsflow
