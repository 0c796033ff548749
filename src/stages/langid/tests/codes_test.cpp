#include <gtest/gtest.h>

#include "stages/langid/cld2_backend.h"
#include "stages/langid/codes.h"
#include "stages/langid/scripts.h"

using namespace newsflow::langid;

TEST(Codes, LegacyCld2CodesBecomeBcp47) {
  EXPECT_EQ(bcp47_from_cld2("iw"), "he");
  EXPECT_EQ(bcp47_from_cld2("jw"), "jv");
  EXPECT_EQ(bcp47_from_cld2("in"), "id");
  EXPECT_EQ(bcp47_from_cld2("no"), "nb");
  EXPECT_EQ(bcp47_from_cld2("mo"), "ro");
  EXPECT_EQ(bcp47_from_cld2("zh-Hant"), "zh-Hant");
  EXPECT_EQ(bcp47_from_cld2("en"), "en");
  EXPECT_EQ(bcp47_from_cld2("un"), "und");
  EXPECT_EQ(bcp47_from_cld2("xx-Latn"), "und");
  EXPECT_EQ(bcp47_from_cld2(""), "und");
}

TEST(Codes, HintsMapBackToCld2) {
  EXPECT_EQ(cld2_from_bcp47("he"), "iw");
  EXPECT_EQ(cld2_from_bcp47("nb"), "no");
  EXPECT_EQ(cld2_from_bcp47("fil"), "tl");
  EXPECT_EQ(cld2_from_bcp47("de"), "de");
  EXPECT_GE(cld2_from_code("iw"), 0);
  EXPECT_EQ(cld2_from_code("not-a-language"), -1);
  EXPECT_EQ(cld2_from_code(""), -1);
}

TEST(Codes, PrimarySubtag) {
  EXPECT_EQ(primary_subtag("de-1901"), "de");
  EXPECT_EQ(primary_subtag("zh-Hant"), "zh");
  EXPECT_EQ(primary_subtag("EN_us"), "en");
  EXPECT_EQ(primary_subtag(""), "");
}

TEST(Codes, ScriptPairs) {
  ASSERT_NE(script_pair("sr"), nullptr);
  EXPECT_EQ(script_pair("de"), nullptr);
  EXPECT_EQ(dominant_script("Свако има право, and some Latin", "Cyrl", "Latn"), "Cyrl");
  EXPECT_EQ(dominant_script("Svako ima pravo na život", "Cyrl", "Latn"), "Latn");
  EXPECT_EQ(main_script("١٢٣ مرحبا"), "Arab");
  EXPECT_EQ(main_script("12345 !?"), "");
}

TEST(Cld2Backend, FullTablesAreLinked) {
  // The stage links libcld2_full ahead of libcld2; without it Hawaiian etc. are not recognised.
  EXPECT_EQ(cld2_tables(), "full");
  const auto codes = cld2_recognized_codes();
  EXPECT_GT(codes.size(), 150u);
}
