// RFC 3339 timestamps <-> milliseconds since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace newsflow::dedup {

// Accepts "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" ('t'/' ' separators too). nullopt when malformed.
std::optional<int64_t> parse_rfc3339_ms(std::string_view s);
// "YYYY-MM-DDTHH:MM:SSZ", with ".mmm" only when the milliseconds are not zero.
std::string format_rfc3339(int64_t ms);

}  // namespace newsflow::dedup
