#include "stages/dedup/url_canon.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace newsflow::dedup {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool istarts(std::string_view s, std::string_view p) { return s.size() >= p.size() && iequals(s.substr(0, p.size()), p); }

constexpr std::array<std::string_view, 28> kTrackingParams = {
    "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl",
    "ref", "ref_src", "ref_url", "cmpid", "cmp", "ocid", "smid", "smtyp", "taid", "at_medium", "at_campaign",
    "ito", "guccounter", "__twitter_impression", "wt.mc_id", "spm", "share"};

bool is_tracking_param(std::string_view key) {
  if (istarts(key, "utm_") || istarts(key, "at_") || istarts(key, "pk_") || istarts(key, "hsa_")) return true;
  if (iequals(key, "amp") || iequals(key, "outputtype")) return true;  // AMP variants: ?amp=1, ?outputType=amp
  for (std::string_view t : kTrackingParams) {
    if (iequals(key, t)) return true;
  }
  return false;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// Percent-encoding normalised: unreserved characters decoded, other escapes upper-cased.
void append_normalised_escapes(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]);
      const int lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        const auto c = static_cast<unsigned char>(hi * 16 + lo);
        if (is_unreserved(c)) {
          out.push_back(static_cast<char>(c));
        } else {
          out.push_back('%');
          out.push_back(kHex[hi]);
          out.push_back(kHex[lo]);
        }
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
}

void append_path(std::string_view path, std::string& out) {
  // Segments, dropping empty ones ("//", trailing "/") and AMP segments ("/amp/").
  std::array<std::string_view, 64> segs;
  size_t n = 0;
  size_t i = 0;
  while (i <= path.size() && n < segs.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    const std::string_view seg = path.substr(i, j - i);
    if (!seg.empty() && !iequals(seg, "amp")) segs[n++] = seg;
    i = j + 1;
  }
  if (n == 0) {
    out.push_back('/');
    return;
  }
  for (size_t k = 0; k < n; ++k) {
    out.push_back('/');
    std::string_view seg = segs[k];
    // "story.amp.html" -> "story.html", "story.amp" -> "story"
    const size_t amp = k + 1 == n ? seg.rfind(".amp") : std::string_view::npos;
    if (amp != std::string_view::npos && amp > 0 && (amp + 4 == seg.size() || seg[amp + 4] == '.')) {
      append_normalised_escapes(seg.substr(0, amp), out);
      seg = seg.substr(amp + 4);
    }
    append_normalised_escapes(seg, out);
  }
}

void append_query(std::string_view query, std::string& out) {
  std::vector<std::string_view> keep;
  size_t i = 0;
  while (i < query.size()) {
    size_t j = query.find_first_of("&;", i);
    if (j == std::string_view::npos) j = query.size();
    const std::string_view param = query.substr(i, j - i);
    const std::string_view key = param.substr(0, param.find('='));
    if (!param.empty() && !is_tracking_param(key)) keep.push_back(param);
    i = j + 1;
  }
  if (keep.empty()) return;
  std::sort(keep.begin(), keep.end());
  keep.erase(std::unique(keep.begin(), keep.end()), keep.end());
  char sep = '?';
  for (std::string_view p : keep) {
    out.push_back(sep);
    append_normalised_escapes(p, out);
    sep = '&';
  }
}

}  // namespace

void canonical_url(std::string_view url, std::string& out) {
  out.clear();
  std::string_view u = trim(url);
  if (u.empty()) return;
  u = u.substr(0, u.find('#'));
  // Scheme: http and https (and scheme-relative "//host") name the same article.
  bool web = true;
  const size_t colon = u.find("://");
  if (colon != std::string_view::npos) {
    const std::string_view scheme = u.substr(0, colon);
    web = iequals(scheme, "http") || iequals(scheme, "https");
    if (!web) {
      for (char c : scheme) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      out += "://";
    }
    u.remove_prefix(colon + 3);
  } else if (u.substr(0, 2) == "//") {
    u.remove_prefix(2);
  }
  const size_t auth_end = std::min(u.find_first_of("/?"), u.size());
  std::string_view authority = u.substr(0, auth_end);
  std::string_view rest = u.substr(auth_end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view port;
  if (const size_t c = authority.rfind(':'); c != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    port = authority.substr(c + 1);
    authority = authority.substr(0, c);
  }
  while (!authority.empty() && authority.back() == '.') authority.remove_suffix(1);
  if (web) {
    for (std::string_view p : {"www.", "m.", "mobile.", "amp."}) {
      // keep the prefix when it is the whole registrable name ("m.com")
      if (istarts(authority, p) && authority.find('.', p.size()) != std::string_view::npos) {
        authority.remove_prefix(p.size());
        break;
      }
    }
    if (istarts(authority, "www") && authority.size() > 4 && std::isdigit(static_cast<unsigned char>(authority[3])) &&
        authority[4] == '.') {
      authority.remove_prefix(5);  // www2.example.com
    }
  }
  for (char c : authority) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (!port.empty() && !(web && (port == "80" || port == "443"))) {
    out.push_back(':');
    out += port;
  }
  const size_t q = rest.find('?');
  append_path(rest.substr(0, q), out);
  if (q != std::string_view::npos) append_query(rest.substr(q + 1), out);
}

}  // namespace newsflow::dedup
