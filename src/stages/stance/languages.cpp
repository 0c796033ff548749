#include "stages/stance/languages.h"

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>

#include "stages/stance/words.h"

namespace newsflow::stance {
namespace {

struct Table {
  std::string_view code;
  std::initializer_list<std::string_view> verbs, pronouns, determiners, according, after;
};

// Speech verbs in the forms news copy uses (past, present, participle after an auxiliary).
const Table kTables[] = {
    {"en",
     {"said", "says", "say", "told", "tells", "added", "adds", "wrote", "writes", "stated", "states", "declared",
      "announced", "explained", "explains", "insisted", "insists", "warned", "warns", "argued", "argues", "noted",
      "notes", "stressed", "stresses", "continued", "asked", "asks", "replied", "answered", "claimed", "claims",
      "recalled", "admitted", "acknowledged", "conceded", "commented", "remarked", "tweeted", "posted", "emphasised",
      "emphasized", "underlined", "confirmed", "concluded", "suggested", "predicted", "cautioned", "urged",
      "complained", "vowed", "pledged", "promised", "believes", "thinks", "observed", "reiterated", "testified",
      "countered", "responded", "joked", "quipped", "shouted", "exclaimed", "whispered", "laughed", "sighed",
      "summed", "put", "described", "called", "saying", "adding", "telling", "writing", "arguing", "warning",
      "noting", "explaining", "insisting", "stressing", "calling", "reported", "reports"},
     {"he", "she", "they", "him", "her", "them"},
     {"the", "a", "an", "its", "his", "her", "their", "our", "one"},
     {"according to", "citing", "quoting", "quoted"},
     {}},
    {"de",
     {"sagte", "sagt", "sagten", "erklärte", "erklärt", "betonte", "betont", "fügte", "ergänzte", "ergänzt",
      "schrieb", "schreibt", "meinte", "meint", "sprach", "warnte", "warnt", "kritisierte", "kritisiert",
      "kündigte", "stellte", "räumte", "versicherte", "bekräftigte", "unterstrich", "forderte", "fordert",
      "teilte", "hieß", "heißt", "gesagt", "erklärt", "betont", "so"},
     {"er", "sie", "ihm", "ihr", "ihnen"},
     {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "sein", "seine", "ihr", "ihre"},
     {"laut", "zufolge", "nach angaben", "nach angaben von"},
     {}},
    {"fr",
     {"a déclaré", "déclaré", "déclare", "dit", "a dit", "affirmé", "affirme", "ajouté", "ajoute", "souligné",
      "souligne", "expliqué", "explique", "indiqué", "indique", "estimé", "estime", "précisé", "précise",
      "assuré", "assure", "averti", "écrit", "lancé", "confié", "insisté", "rappelé", "martelé", "prévenu",
      "annoncé", "regretté", "déplore", "déploré", "commenté", "poursuit", "poursuivi", "conclu", "répondu",
      "reconnu"},
     {"il", "elle", "ils", "elles", "lui", "eux"},
     {"le", "la", "les", "l'", "un", "une", "son", "sa", "ses"},
     {"selon", "d'après"},
     {}},
    {"es",
     {"dijo", "dice", "afirmó", "afirma", "añadió", "añade", "declaró", "declara", "explicó", "explica",
      "aseguró", "asegura", "señaló", "señala", "destacó", "destaca", "subrayó", "subraya", "indicó", "indica",
      "advirtió", "advierte", "lamentó", "lamenta", "escribió", "sostuvo", "insistió", "agregó", "apuntó",
      "manifestó", "reconoció", "criticó", "denunció", "recordó", "concluyó", "comentó", "respondió", "expresó"},
     {"él", "ella", "ellos", "ellas"},
     {"el", "la", "los", "las", "un", "una", "su", "sus"},
     {"según", "de acuerdo con"},
     {}},
    {"it",
     {"dichiarato", "detto", "ha detto", "dice", "disse", "afferma", "affermato", "aggiunge", "aggiunto",
      "spiega", "spiegato", "sottolinea", "sottolineato", "racconta", "raccontato", "commenta", "commentato",
      "osserva", "avverte", "avvertito", "ribadisce", "ribadito", "conclude", "precisa", "precisato",
      "denuncia", "dichiara", "scrive", "scritto", "annuncia", "annunciato", "lamenta", "insiste"},
     {"lui", "lei", "egli", "ella", "loro"},
     {"il", "lo", "la", "i", "gli", "le", "l'", "un", "una", "uno", "suo", "sua"},
     {"secondo", "stando a"},
     {}},
    {"pt",
     {"disse", "diz", "afirmou", "afirma", "declarou", "declara", "explicou", "explica", "acrescentou",
      "acrescenta", "destacou", "destaca", "ressaltou", "ressalta", "salientou", "disseram", "informou",
      "avaliou", "alertou", "garantiu", "criticou", "comentou", "lamentou", "escreveu", "concluiu", "defendeu"},
     {"ele", "ela", "eles", "elas"},
     {"o", "a", "os", "as", "um", "uma", "seu", "sua"},
     {"segundo", "de acordo com", "para"},
     {}},
    {"nl",
     {"zei", "zegt", "zeiden", "verklaarde", "verklaart", "schreef", "schrijft", "voegde", "benadrukte",
      "benadrukt", "stelde", "stelt", "waarschuwde", "liet", "reageerde", "vertelde", "vertelt", "meent",
      "meende", "legde", "gezegd"},
     {"hij", "zij", "ze", "haar", "hem"},
     {"de", "het", "een", "haar", "zijn"},
     {"volgens"},
     {"aldus"}},
    {"pl",
     {"powiedział", "powiedziała", "mówi", "mówił", "mówiła", "zaznaczył", "zaznaczyła", "dodał", "dodała",
      "podkreślił", "podkreśliła", "stwierdził", "stwierdziła", "ocenił", "oceniła", "napisał", "napisała",
      "przekonywał", "przekonywała", "wyjaśnił", "wyjaśniła", "zapewnił", "zapewniła", "ostrzegł", "ostrzegła"},
     {"ona", "oni", "niego", "niej", "nich"},
     {},
     {"według", "zdaniem"},
     {}},
};

std::vector<uint64_t> sorted(std::vector<uint64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// A table entry may be a phrase ("a déclaré"); single-word lists keep its last word, which is
// the one that identifies it ("déclaré"); according-to phrases keep every word.
std::vector<uint64_t> phrase(std::string_view p) {
  std::vector<uint64_t> out;
  std::vector<Word> toks;
  tokenize(p, toks);
  for (const Word& t : toks) out.push_back(t.hash);
  return out;
}

void fill(LanguageProfile& p, const Table& t) {
  for (auto v : t.verbs) p.speech_verbs.push_back(phrase(v).back());
  for (auto v : t.pronouns) p.pronouns.push_back(phrase(v).back());
  for (auto v : t.determiners) {
    const auto ph = phrase(v);
    if (!ph.empty()) p.determiners.push_back(ph.front());
  }
  for (auto v : t.according) p.according_to.push_back(phrase(v));
  for (auto v : t.after) p.speaker_after.push_back(phrase(v).back());
}

void finish(LanguageProfile& p) {
  p.speech_verbs = sorted(std::move(p.speech_verbs));
  p.pronouns = sorted(std::move(p.pronouns));
  p.determiners = sorted(std::move(p.determiners));
  p.speaker_after = sorted(std::move(p.speaker_after));
  // Longest phrases first so "nach angaben von" wins over "nach angaben".
  std::sort(p.according_to.begin(), p.according_to.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  p.according_to.erase(std::unique(p.according_to.begin(), p.according_to.end()), p.according_to.end());
}

struct Profiles {
  std::vector<std::unique_ptr<LanguageProfile>> by_lang;
  LanguageProfile all;
  Profiles() {
    all.code = "*";
    for (const Table& t : kTables) {
      auto p = std::make_unique<LanguageProfile>();
      p->code = t.code;
      fill(*p, t);
      fill(all, t);
      finish(*p);
      by_lang.push_back(std::move(p));
    }
    finish(all);
  }
};

const Profiles& profiles() {
  static const Profiles p;
  return p;
}

bool has(const std::vector<uint64_t>& v, uint64_t h) { return std::binary_search(v.begin(), v.end(), h); }

}  // namespace

bool LanguageProfile::is_speech_verb(uint64_t h) const { return has(speech_verbs, h); }
bool LanguageProfile::is_pronoun(uint64_t h) const { return has(pronouns, h); }
bool LanguageProfile::is_determiner(uint64_t h) const { return has(determiners, h); }
bool LanguageProfile::is_speaker_after(uint64_t h) const { return has(speaker_after, h); }

const LanguageProfile& profile_for(std::string_view lang) {
  const Profiles& p = profiles();
  const std::string_view base = lang.substr(0, lang.find_first_of("-_"));
  for (const auto& prof : p.by_lang)
    if (prof->code == base) return *prof;
  return p.all;
}

}  // namespace newsflow::stance
