#include <gtest/gtest.h>

#include "stages/dedup/url_canon.h"

using newsflow::dedup::canonical_url;

TEST(UrlCanon, SchemeHostCaseWwwAndTrailingSlash) {
  const std::string want = canonical_url("https://example.org/world/story-1");
  EXPECT_EQ(canonical_url("HTTP://WWW.Example.ORG/world/story-1/"), want);
  EXPECT_EQ(canonical_url("https://www.example.org:443/world/story-1"), want);
  EXPECT_EQ(canonical_url("  http://example.org./world//story-1  "), want);
  EXPECT_EQ(canonical_url("//example.org/world/story-1"), want);
}

TEST(UrlCanon, PathCaseIsKept) {
  EXPECT_NE(canonical_url("https://example.org/World/Story"), canonical_url("https://example.org/world/story"));
}

TEST(UrlCanon, FragmentsAndTrackingParametersGo) {
  const std::string want = canonical_url("https://news.example.com/a/b?id=7");
  EXPECT_EQ(canonical_url("https://news.example.com/a/b?id=7#comments"), want);
  EXPECT_EQ(canonical_url("https://news.example.com/a/b?utm_source=x&id=7&utm_medium=social"), want);
  EXPECT_EQ(canonical_url("https://news.example.com/a/b?fbclid=IwAR0&id=7&gclid=abc"), want);
  EXPECT_EQ(canonical_url("https://news.example.com/a/b?id=7&mc_cid=1&mc_eid=2&_ga=3"), want);
}

TEST(UrlCanon, MeaningfulParametersStayAndAreSorted) {
  EXPECT_EQ(canonical_url("https://x.example/p?b=2&a=1"), canonical_url("https://x.example/p?a=1&b=2"));
  EXPECT_NE(canonical_url("https://x.example/p?id=1"), canonical_url("https://x.example/p?id=2"));
}

TEST(UrlCanon, AmpVariants) {
  const std::string want = canonical_url("https://paper.example/politics/vote-count");
  EXPECT_EQ(canonical_url("https://paper.example/politics/vote-count/amp/"), want);
  EXPECT_EQ(canonical_url("https://paper.example/amp/politics/vote-count"), want);
  EXPECT_EQ(canonical_url("https://paper.example/politics/vote-count?amp=1"), want);
  EXPECT_EQ(canonical_url("https://paper.example/politics/vote-count?outputType=amp"), want);
  EXPECT_EQ(canonical_url("https://amp.paper.example/politics/vote-count"), want);
  EXPECT_EQ(canonical_url("https://m.paper.example/politics/vote-count"), want);
  EXPECT_EQ(canonical_url("https://paper.example/politics/vote-count.amp.html"),
            canonical_url("https://paper.example/politics/vote-count.html"));
}

TEST(UrlCanon, PercentEncodingAndUserInfo) {
  EXPECT_EQ(canonical_url("https://example.org/%7Euser/a%2fb"), canonical_url("https://example.org/~user/a%2Fb"));
  EXPECT_EQ(canonical_url("https://user:pw@example.org/x"), canonical_url("https://example.org/x"));
}

TEST(UrlCanon, EdgeCasesDoNotCrash) {
  EXPECT_EQ(canonical_url(""), "");
  EXPECT_EQ(canonical_url("   "), "");
  for (const char* u : {"http://", "https://?", "://", "#", "?", "https://[::1]:8080/x", "%", "a%2",
                        "ftp://Example.org/File", "www.example.org"}) {
    EXPECT_NO_THROW(canonical_url(u)) << u;
  }
  EXPECT_EQ(canonical_url("https://example.org"), canonical_url("https://example.org/"));
  EXPECT_EQ(canonical_url("ftp://Example.org/File"), "ftp://example.org/File");
}
