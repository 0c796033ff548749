// Serialises the enriched output message (input object + "newsflow" annotations) and JSONL
// dead-letter records.
#pragma once

#include <string>

#include "core/article.h"

namespace newsflow {

inline constexpr std::string_view kSchemaVersion = "1";

// The original JSON object with one member "newsflow" appended. Requires a successfully parsed
// article (its record value is a valid JSON object). Appends to out.
void write_enriched(const Article& article, std::string& out);

// Only the "newsflow" annotation object.
void write_annotations(const Article& article, std::string& out);

// {"error":{code,stage,message},"input":{file,line|topic,partition,offset},"value_base64":...}
void write_dead_letter(const Article& article, std::string& out);

std::string base64_encode(std::string_view bytes);

}  // namespace newsflow
