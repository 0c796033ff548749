// Detector behaviour on invented text in many scripts (no evaluation data is used here).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/utf8.h"
#include "stages/langid/detector.h"

using newsflow::LanguageInfo;
using newsflow::langid::Detector;
using newsflow::langid::DetectorOptions;

namespace {
const Detector& det() {
  static const Detector d(DetectorOptions{});
  return d;
}
LanguageInfo detect(std::string_view text, std::string_view hint = {}) { return det().detect({}, text, hint); }

void expect_lang(std::string_view text, std::string_view code) {
  const LanguageInfo info = detect(text);
  EXPECT_EQ(info.code, code) << text;
  EXPECT_TRUE(info.reliable) << text;
  EXPECT_GT(info.confidence, 0.5) << text;
  EXPECT_LE(info.confidence, 1.0) << text;
}
}  // namespace

TEST(Detector, SecondOpinionModelIsLoadedByDefault) { EXPECT_NE(det().model(), nullptr); }

TEST(Detector, EmptyAndShortTextIsUndetermined) {
  for (std::string_view t : {"", " ", "\n\t", "ok", "12345 67890", "!!! ??? ...", "https://x.y/z"}) {
    const LanguageInfo info = detect(t);
    EXPECT_EQ(info.code, "und") << t;
    EXPECT_FALSE(info.reliable);
    EXPECT_EQ(info.confidence, 0.0);
  }
}

TEST(Detector, EmojiOnlyIsUndetermined) {
  const LanguageInfo info = detect("😀😀🎉🎉👍🏽👨‍👩‍👧‍👦🇩🇪 ❤️");
  EXPECT_EQ(info.code, "und");
}

TEST(Detector, EmojiAroundTextDoesNotHide) {
  expect_lang("🎉🎉 Heute feiern wir gemeinsam mit der ganzen Familie und vielen Freunden den Geburtstag "
              "unserer Großmutter im Garten 🎂👵",
              "de");
}

TEST(Detector, LatinScriptLanguages) {
  expect_lang("The city council approved the new budget on Tuesday after a long debate about public "
              "transport and the cost of housing for young families.", "en");
  expect_lang("Le conseil municipal a approuvé mardi le nouveau budget après un long débat sur les transports "
              "publics et le coût du logement pour les jeunes familles.", "fr");
  expect_lang("El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate sobre el transporte "
              "público y el coste de la vivienda para las familias jóvenes.", "es");
  expect_lang("Rada miejska zatwierdziła we wtorek nowy budżet po długiej debacie o transporcie publicznym i "
              "kosztach mieszkań dla młodych rodzin.", "pl");
}

TEST(Detector, NonLatinScripts) {
  expect_lang("Городской совет во вторник утвердил новый бюджет после долгих споров об общественном "
              "транспорте и стоимости жилья для молодых семей.", "ru");
  expect_lang("Το δημοτικό συμβούλιο ενέκρινε την Τρίτη τον νέο προϋπολογισμό μετά από μακρά συζήτηση για "
              "τις δημόσιες συγκοινωνίες και το κόστος της στέγασης.", "el");
  expect_lang("市议会星期二在就公共交通和年轻家庭住房费用进行长时间辩论后批准了新的预算。", "zh");
  expect_lang("市議會星期二在就公共交通和年輕家庭住房費用進行長時間辯論後批准了新的預算。", "zh-Hant");
  expect_lang("市議会は火曜日、公共交通機関と若い家族の住宅費についての長い議論の末、新しい予算を承認しました。", "ja");
  expect_lang("시의회는 화요일 대중교통과 젊은 가족의 주거비에 관한 긴 논쟁 끝에 새로운 예산을 승인했습니다.", "ko");
  expect_lang("สภาเมืองอนุมัติงบประมาณใหม่เมื่อวันอังคารหลังจากการอภิปรายอันยาวนานเกี่ยวกับการขนส่งสาธารณะ", "th");
  expect_lang("नगर परिषद ने मंगलवार को सार्वजनिक परिवहन और युवा परिवारों के लिए आवास की लागत पर लंबी बहस के बाद "
              "नया बजट मंजूर किया।", "hi");
  expect_lang("ქალაქის საბჭომ სამშაბათს ახალი ბიუჯეტი დაამტკიცა საზოგადოებრივი ტრანსპორტისა და საცხოვრებლის "
              "ღირებულების შესახებ ხანგრძლივი დებატების შემდეგ.", "ka");
  expect_lang("Քաղաքային խորհուրդը երեքշաբթի օրը հաստատեց նոր բյուջեն՝ հասարակական տրանսպորտի մասին երկար "
              "բանավեճից հետո։", "hy");
}

TEST(Detector, RightToLeftScriptsUseModernCodes) {
  expect_lang("מועצת העיר אישרה ביום שלישי את התקציב החדש לאחר ויכוח ארוך על התחבורה הציבורית ועל מחירי "
              "הדיור למשפחות צעירות.", "he");  // CLD2 says "iw"
  expect_lang("وافق مجلس المدينة يوم الثلاثاء على الميزانية الجديدة بعد نقاش طويل حول النقل العام وتكلفة "
              "السكن للعائلات الشابة.", "ar");
  expect_lang("شورای شهر روز سه‌شنبه پس از بحثی طولانی درباره حمل و نقل عمومی و هزینه مسکن برای خانواده‌های "
              "جوان بودجه جدید را تصویب کرد.", "fa");
}

TEST(Detector, CombiningMarksDecomposedText) {
  // "é", "è", "à", "ç" written as base letter + combining mark (NFD).
  expect_lang("Le conseil municipal a approuve\u0301 mardi le nouveau budget apre\u0300s un long de\u0301bat sur "
              "les transports publics et le cou\u0302t du logement pour les jeunes familles, a\u0300 la surprise "
              "des commerc\u0327ants.", "fr");
}

TEST(Detector, SerbianGetsItsScriptSubtag) {
  const LanguageInfo info = detect("Влада Србије је данас објавила да ће нови мост преко Дунава бити отворен "
                                   "следеће године, а грађани Београда су због тога веома задовољни.");
  EXPECT_EQ(info.code, "sr-Cyrl");
}

TEST(Detector, LowerCaseCherokeeFallsBackToScript) {
  // Cherokee syllables in the Unicode 8 lower-case block, which CLD2 does not score.
  const LanguageInfo info = detect("ꭰꮒꮝꭶꮞꮨ ꮎꮎꮫꮑꮕ ꮎꮝꭹꮎꮓ ꭴꮒꮂ ꭶꮆꮢꮝꮤꮕ ꭰꮤꮃꮼꭿꮝꮧ ꮎꮝꭹ ꮷꮔꭺꮩꮧ");
  EXPECT_EQ(info.code, "chr");
  EXPECT_TRUE(info.reliable);
  EXPECT_TRUE(info.alternatives.empty());
}

TEST(Detector, MixedLanguageReportsDominantAndMix) {
  const std::string en = "The city council approved the new budget on Tuesday after a long debate about public "
                         "transport, schools, hospitals and the rising cost of housing for young families. ";
  const std::string de = "Der Stadtrat hat am Dienstag nach einer langen Debatte über den Nahverkehr den neuen "
                         "Haushalt beschlossen. ";
  const LanguageInfo info = detect(en + en + de);
  EXPECT_EQ(info.code, "en");
  ASSERT_FALSE(info.alternatives.empty());
  EXPECT_EQ(info.alternatives[0].code, "de");
  EXPECT_GT(info.alternatives[0].share, 0.0);
  EXPECT_LT(info.alternatives[0].share, 0.5);
  EXPECT_LE(info.alternatives.size(), 3u);
}

TEST(Detector, TitleAndBodyPrefixAreRead) {
  const std::string title = "Stadtrat beschließt neuen Haushalt";
  const std::string body(5000, 'x');  // no language in the body
  EXPECT_EQ(det().detect(title + " nach einer langen Debatte über den Nahverkehr", body, {}).code, "de");
}

TEST(Detector, HintIsOnlyAHint) {
  const std::string en = "The city council approved the new budget on Tuesday after a long debate about public "
                         "transport and the cost of housing for young families.";
  EXPECT_EQ(detect(en, "de").code, "en");  // clear text beats a wrong hint
  EXPECT_EQ(detect(en, "not-a-language").code, "en");
  EXPECT_EQ(detect(en, "zh-Hant").code, "en");
  EXPECT_EQ(detect("", "en").code, "und");  // a hint alone is no evidence
}

TEST(Detector, HintTipsAnAmbiguousText) {
  // Written so that Danish and Norwegian Bokmål readers would both accept it.
  const std::string t = "Hun bor i et lite hus ved sjøen sammen med to katter og en hund.";
  EXPECT_EQ(det().detect({}, t, "da").code, "da");
  EXPECT_EQ(det().detect({}, t, "nb").code, "nb");
  EXPECT_EQ(det().detect({}, t, "no").code, "nb");  // legacy macro-language tag as hint
}

TEST(Detector, GuessesAreUndUnlessAskedForAndNeverReliable) {
  // Too little for CLD2 to commit to (it answers only in best-effort mode).
  const std::string t = "Hotel Restaurant Bar Taxi";
  const LanguageInfo strict = detect(t);
  EXPECT_EQ(strict.code, "und");
  EXPECT_FALSE(strict.reliable);
  ASSERT_EQ(strict.alternatives.size(), 1u);  // the guess stays visible
  EXPECT_NE(strict.alternatives[0].code, "und");

  DetectorOptions o;
  o.report_unreliable = true;
  const Detector d(o);
  const LanguageInfo loose = d.detect({}, t, {});
  EXPECT_EQ(loose.code, strict.alternatives[0].code);
  EXPECT_FALSE(loose.reliable);
  EXPECT_LE(loose.confidence, 0.5);
}

TEST(Detector, AnyValidUtf8NeverThrowsAndGivesAWellFormedAnswer) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<uint32_t> cp_dist(1, 0x10FFFF);
  std::uniform_int_distribution<int> len_dist(0, 400);
  for (int round = 0; round < 300; ++round) {
    std::string s;
    const int len = len_dist(rng);
    for (int i = 0; i < len; ++i) {
      char32_t c = cp_dist(rng);
      if (c >= 0xD800 && c <= 0xDFFF) c = 0x20;  // surrogates are not valid UTF-8
      if (round % 3 == 0) c = 0x20 + c % 0x2FF;  // dense Latin/IPA/combining marks
      newsflow::utf8::append(s, c);
    }
    ASSERT_TRUE(newsflow::utf8::valid(s));
    LanguageInfo info;
    ASSERT_NO_THROW(info = det().detect(s, s, "en"));
    EXPECT_FALSE(info.code.empty());
    EXPECT_GE(info.confidence, 0.0);
    EXPECT_LE(info.confidence, 1.0);
    EXPECT_LE(info.alternatives.size(), 3u);
    if (info.code == "und") {
      EXPECT_FALSE(info.reliable);
    }
  }
}

TEST(BodyPrefix, CutsAtCodePointAndWordBoundaries) {
  using newsflow::langid::body_prefix;
  EXPECT_EQ(body_prefix("short", 100), "short");
  EXPECT_EQ(body_prefix("hello world again", 13), "hello world");
  const std::string cyr = "ЖЖЖЖЖЖЖЖЖЖ";  // 2 bytes each, no spaces
  for (size_t n = 0; n <= cyr.size(); ++n) {
    const std::string_view p = body_prefix(cyr, n);
    EXPECT_LE(p.size(), n);
    EXPECT_EQ(p.size() % 2, 0u) << n;
    EXPECT_TRUE(newsflow::utf8::valid(p));
  }
}
