// URL canonicalisation: two URLs of the same article map to the same string.
#pragma once

#include <string>
#include <string_view>

namespace newsflow::dedup {

// Writes the canonical form of `url` into `out` (cleared first); empty when `url` is blank.
// Folds: scheme (http == https), host case, "www."/"m."/"amp." host prefixes, default ports,
// user info, fragments, tracking parameters (utm_*, fbclid, gclid, ...), AMP variants
// (/amp, /amp/, .amp.html, ?amp=1, ?outputType=amp), trailing slashes, "//" in paths and
// percent-encoding of unreserved characters. Remaining query parameters are sorted.
void canonical_url(std::string_view url, std::string& out);

inline std::string canonical_url(std::string_view url) {
  std::string out;
  canonical_url(url, out);
  return out;
}

}  // namespace newsflow::dedup
