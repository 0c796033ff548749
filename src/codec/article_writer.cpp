#include "codec/article_writer.h"

#include "codec/json_writer.h"

namespace newsflow {
namespace {

void write_position(JsonWriter& w, const SourcePosition& p) {
  w.begin_object();
  if (!p.topic.empty()) {
    w.key("topic").string(p.topic);
    w.key("partition").number(static_cast<int64_t>(p.partition));
    w.key("offset").number(p.offset);
  }
  if (!p.file.empty()) {
    w.key("file").string(p.file);
    w.key("line").number(p.line);
  }
  w.end_object();
}

void write_span(JsonWriter& w, const Span& s) {
  w.key("field").string(to_string(s.field));
  w.key("start").number(static_cast<int64_t>(s.start));
  w.key("end").number(static_cast<int64_t>(s.end));
}

void write_sentiment(JsonWriter& w, const Sentiment& s) {
  w.begin_object();
  w.key("polarity").string(to_string(s.polarity));
  w.key("score").number(s.score);
  w.key("confidence").number(s.confidence);
  w.end_object();
}

void write_dedup(JsonWriter& w, const DedupInfo& d) {
  w.begin_object();
  w.key("status").string(to_string(d.status));
  w.key("cluster_id").string(d.cluster_id);
  w.key("duplicate_of");
  if (d.duplicate_of.empty()) w.null(); else w.string(d.duplicate_of);
  w.key("similarity").number(d.similarity);
  w.key("first_seen_at");
  if (d.first_seen_at.empty()) w.null(); else w.string(d.first_seen_at);
  w.end_object();
}

void write_language(JsonWriter& w, const LanguageInfo& l) {
  w.begin_object();
  w.key("code").string(l.code);
  w.key("confidence").number(l.confidence);
  w.key("reliable").boolean(l.reliable);
  w.key("alternatives").begin_array();
  for (const auto& alt : l.alternatives) {
    w.begin_object().key("code").string(alt.code).key("share").number(alt.share).end_object();
  }
  w.end_array();
  w.end_object();
}

void write_entity(JsonWriter& w, const Entity& e) {
  w.begin_object();
  w.key("text").string(e.text);
  w.key("type").string(e.type);
  w.key("canonical").string(e.canonical);
  if (e.watchlist) {
    w.key("watchlist").begin_object();
    w.key("id").string(e.watchlist->id);
    w.key("version").string(e.watchlist->version);
    w.key("entity_id").string(e.watchlist->entity_id);
    w.end_object();
  }
  w.key("mentions").begin_array();
  for (const auto& m : e.mentions) {
    w.begin_object();
    write_span(w, m);
    w.end_object();
  }
  w.end_array();
  w.key("count").number(static_cast<int64_t>(e.count));
  w.key("salience").number(e.salience);
  if (e.sentiment) {
    w.key("sentiment");
    write_sentiment(w, *e.sentiment);
  }
  w.end_object();
}

void write_quote(JsonWriter& w, const Quote& q) {
  w.begin_object();
  w.key("speaker");
  if (q.speaker.empty()) w.null(); else w.string(q.speaker);
  w.key("text").string(q.text);
  w.key("span").begin_object();
  write_span(w, q.span);
  w.end_object();
  if (q.speaker_span) {
    w.key("speaker_span").begin_object();
    write_span(w, *q.speaker_span);
    w.end_object();
  }
  w.key("targets").begin_array();
  for (const auto& t : q.targets) {
    w.begin_object();
    w.key("entity").string(t.entity);
    w.key("polarity").string(to_string(t.polarity));
    w.key("score").number(t.score);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

void write_annotations(const Article& a, std::string& out) {
  JsonWriter w(out);
  w.begin_object();
  w.key("version").string(kSchemaVersion);
  w.key("input");
  write_position(w, a.record.position);
  if (a.dedup) {
    w.key("dedup");
    write_dedup(w, *a.dedup);
  }
  if (a.language) {
    w.key("language");
    write_language(w, *a.language);
  }
  if (a.entities_done) {
    w.key("entities").begin_array();
    for (const auto& e : a.entities) write_entity(w, e);
    w.end_array();
  }
  if (a.quotes_done) {
    w.key("quotes").begin_array();
    for (const auto& q : a.quotes) write_quote(w, q);
    w.end_array();
  }
  w.end_object();
}

void write_enriched(const Article& a, std::string& out) {
  const std::string& v = *a.record.value;
  size_t close = v.find_last_of('}');  // parse succeeded: the value is an object, '}' is its end
  out.reserve(out.size() + v.size() + 512);
  out.append(v.data(), close);
  // Trim whitespace before the closing brace so the output stays compact and stable.
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\r' || out.back() == '\t')) out.pop_back();
  out += ",\"newsflow\":";
  write_annotations(a, out);
  out += '}';
}

void write_dead_letter(const Article& a, std::string& out) {
  JsonWriter w(out);
  w.begin_object();
  w.key("error").begin_object();
  const Error& e = a.error ? *a.error : Error{ErrorCode::stage_error, "unknown", "no error recorded"};
  w.key("code").string(to_string(e.code));
  w.key("stage").string(e.stage);
  w.key("message").string(e.message);
  w.end_object();
  w.key("input");
  write_position(w, a.record.position);
  if (!a.id.empty()) w.key("id").string(a.id);
  w.key("value_base64");
  if (a.record.value) w.string(base64_encode(*a.record.value)); else w.null();
  w.end_object();
}

std::string base64_encode(std::string_view in) {
  static constexpr char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) | static_cast<uint8_t>(in[i + 2]);
    out += kTable[(n >> 18) & 63];
    out += kTable[(n >> 12) & 63];
    out += kTable[(n >> 6) & 63];
    out += kTable[n & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    out += kTable[(n >> 18) & 63];
    out += kTable[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t n = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8);
    out += kTable[(n >> 18) & 63];
    out += kTable[(n >> 12) & 63];
    out += kTable[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace newsflow
