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
  std::initializer_list<std::string_view> verbs, pronouns, determiners, according, after, titles;
};

// Compound titles: a word ending in one of these (longer than the suffix) is a title.
constexpr std::string_view kTitleSuffixes[] = {
    "minister", "ministerin", "sprecher", "sprecherin", "präsident", "präsidentin", "kanzler", "kanzlerin",
    "chef", "chefin", "richter", "richterin", "anwalt", "anwältin", "direktor", "direktorin", "meister",
    "meisterin", "leiter", "leiterin", "trainer", "trainerin", "vorsitzende", "vorsitzender", "sekretär",
    "sekretärin", "woordvoerder", "voorzitter", "minister-president"};

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
     {},
     {"president", "vice-president", "prime", "minister", "secretary", "secretary-general", "general", "chancellor",
      "justice", "judge", "chief", "executive", "officer", "director", "chairman", "chairwoman", "chair",
      "chairperson", "spokesman", "spokeswoman", "spokesperson", "mayor", "governor", "senator", "congressman",
      "congresswoman", "rep", "sen", "gov", "mr", "mrs", "ms", "dr", "prof", "professor", "sir", "dame", "lord",
      "lady", "king", "queen", "prince", "princess", "pope", "coach", "manager", "captain", "ceo", "head", "leader",
      "deputy", "vice", "commissioner", "ambassador", "envoy", "analyst", "economist", "lawyer", "attorney",
      "prosecutor", "inspector", "sergeant", "colonel", "admiral", "commander", "founder", "premier", "counsel",
      "detective", "superintendent", "constable", "foreign", "interior", "finance", "health", "defence", "defense",
      "economy", "trade", "energy", "environment", "education", "transport", "home", "state", "labour", "labor",
      "justice", "mp", "former", "acting", "interim", "outgoing", "incoming", "adviser", "advisor", "aide",
      "official", "researcher", "scientist", "professor", "economist", "strategist", "striker", "midfielder",
      "goalkeeper", "defender", "player", "champion", "presenter", "correspondent", "editor", "activist",
      "campaigner", "resident", "chancellor", "minister-president", "partner", "president-elect"}},
    {"de",
     {"sagte", "sagt", "sagten", "erklärte", "erklärt", "betonte", "betont", "fügte", "ergänzte", "ergänzt",
      "schrieb", "schreibt", "meinte", "meint", "sprach", "warnte", "warnt", "kritisierte", "kritisiert",
      "kündigte", "stellte", "räumte", "versicherte", "bekräftigte", "unterstrich", "forderte", "fordert",
      "teilte", "hieß", "heißt", "gesagt", "erklärt", "betont", "so"},
     {"er", "sie", "ihm", "ihr", "ihnen"},
     {"der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "sein", "seine", "ihr", "ihre"},
     {"laut", "zufolge", "nach angaben", "nach angaben von"},
     {},
     {"präsident", "präsidentin", "kanzler", "kanzlerin", "minister", "ministerin", "sprecher", "sprecherin",
      "chef", "chefin", "vorsitzende", "vorsitzender", "richter", "richterin", "staatsanwalt", "staatsanwältin",
      "anwalt", "anwältin", "verteidiger", "verteidigerin", "direktor", "direktorin", "bürgermeister",
      "bürgermeisterin", "trainer", "trainerin", "professor", "professorin", "herr", "frau", "dr", "prof",
      "geschäftsführer", "geschäftsführerin", "vorstand", "analyst", "analystin", "ökonom", "ökonomin",
      "experte", "expertin", "abgeordnete", "abgeordneter", "senator", "senatorin", "landrat", "landrätin",
      "generalsekretär", "staatssekretär", "leiter", "leiterin", "gründer", "gründerin", "ehemalige",
      "ehemaliger", "kläger", "klägerin", "angeklagte", "angeklagter", "titelverteidiger", "titelverteidigerin"}},
    {"fr",
     {"a déclaré", "déclaré", "déclare", "dit", "a dit", "affirmé", "affirme", "ajouté", "ajoute", "souligné",
      "souligne", "expliqué", "explique", "indiqué", "indique", "estimé", "estime", "précisé", "précise",
      "assuré", "assure", "averti", "écrit", "lancé", "confié", "insisté", "rappelé", "martelé", "prévenu",
      "annoncé", "regretté", "déplore", "déploré", "commenté", "poursuit", "poursuivi", "conclu", "répondu",
      "reconnu"},
     {"il", "elle", "ils", "elles", "lui", "eux"},
     {"le", "la", "les", "l'", "un", "une", "son", "sa", "ses"},
     {"selon", "d'après"},
     {},
     {"président", "présidente", "ministre", "premier", "première", "porte-parole", "directeur", "directrice",
      "maire", "juge", "procureur", "procureure", "avocat", "avocate", "secrétaire", "général", "générale", "chef",
      "m", "mme", "monsieur", "madame", "docteur", "professeur", "professeure", "sénateur", "sénatrice", "député",
      "députée", "patron", "patronne", "entraîneur", "analyste", "économiste", "pdg", "fondateur", "fondatrice",
      "délégué", "déléguée", "commissaire", "ambassadeur", "ambassadrice", "ancien", "ancienne"}},
    {"es",
     {"dijo", "dice", "afirmó", "afirma", "añadió", "añade", "declaró", "declara", "explicó", "explica",
      "aseguró", "asegura", "señaló", "señala", "destacó", "destaca", "subrayó", "subraya", "indicó", "indica",
      "advirtió", "advierte", "lamentó", "lamenta", "escribió", "sostuvo", "insistió", "agregó", "apuntó",
      "manifestó", "reconoció", "criticó", "denunció", "recordó", "concluyó", "comentó", "respondió", "expresó"},
     {"él", "ella", "ellos", "ellas"},
     {"el", "la", "los", "las", "un", "una", "su", "sus"},
     {"según", "de acuerdo con"},
     {},
     {"presidente", "presidenta", "vicepresidente", "vicepresidenta", "ministro", "ministra", "canciller",
      "portavoz", "director", "directora", "alcalde", "alcaldesa", "juez", "jueza", "fiscal", "abogado", "abogada",
      "secretario", "secretaria", "general", "jefe", "jefa", "señor", "señora", "sr", "sra", "doctor", "doctora",
      "profesor", "profesora", "senador", "senadora", "diputado", "diputada", "entrenador", "analista",
      "economista", "fundador", "fundadora", "consejero", "consejera", "activista", "investigador",
      "investigadora", "coordinador", "coordinadora", "comisionado", "comisionada", "embajador", "embajadora",
      "exministro", "exministra", "expresidente", "expresidenta"}},
    {"it",
     {"dichiarato", "detto", "ha detto", "dice", "disse", "afferma", "affermato", "aggiunge", "aggiunto",
      "spiega", "spiegato", "sottolinea", "sottolineato", "racconta", "raccontato", "commenta", "commentato",
      "osserva", "avverte", "avvertito", "ribadisce", "ribadito", "conclude", "precisa", "precisato",
      "denuncia", "dichiara", "scrive", "scritto", "annuncia", "annunciato", "lamenta", "insiste"},
     {"lui", "lei", "egli", "ella", "loro"},
     {"il", "lo", "la", "i", "gli", "le", "l'", "un", "una", "uno", "suo", "sua"},
     {"secondo", "stando a"},
     {},
     {"presidente", "ministro", "ministra", "portavoce", "direttore", "direttrice", "sindaco", "giudice",
      "procuratore", "avvocato", "avvocata", "segretario", "segretaria", "generale", "capo", "signor", "signora",
      "dottor", "dottore", "dottoressa", "professore", "professoressa", "senatore", "senatrice", "deputato",
      "deputata", "allenatore", "analista", "economista", "fondatore", "fondatrice", "assessore", "consigliere",
      "commissario", "ambasciatore", "ex"}},
    {"pt",
     {"disse", "diz", "afirmou", "afirma", "declarou", "declara", "explicou", "explica", "acrescentou",
      "acrescenta", "destacou", "destaca", "ressaltou", "ressalta", "salientou", "disseram", "informou",
      "avaliou", "alertou", "garantiu", "criticou", "comentou", "lamentou", "escreveu", "concluiu", "defendeu"},
     {"ele", "ela", "eles", "elas"},
     {"o", "a", "os", "as", "um", "uma", "seu", "sua"},
     {"segundo", "de acordo com", "para"},
     {},
     {"presidente", "ministro", "ministra", "porta-voz", "diretor", "diretora", "prefeito", "prefeita", "juiz",
      "juíza", "promotor", "promotora", "advogado", "advogada", "secretário", "secretária", "general", "chefe",
      "senhor", "senhora", "sr", "sra", "doutor", "doutora", "professor", "professora", "senador", "senadora",
      "deputado", "deputada", "técnico", "treinador", "analista", "economista", "fundador", "fundadora",
      "governador", "governadora", "aposentado", "aposentada", "morador", "moradora", "comissário", "embaixador",
      "embaixadora", "ex-ministro", "ex-presidente"}},
    {"nl",
     {"zei", "zegt", "zeiden", "verklaarde", "verklaart", "schreef", "schrijft", "voegde", "benadrukte",
      "benadrukt", "stelde", "stelt", "waarschuwde", "liet", "reageerde", "vertelde", "vertelt", "meent",
      "meende", "legde", "gezegd"},
     {"hij", "zij", "ze", "haar", "hem"},
     {"de", "het", "een", "haar", "zijn"},
     {"volgens"},
     {"aldus"},
     {"president", "minister", "premier", "minister-president", "woordvoerder", "woordvoerster", "directeur",
      "burgemeester", "rechter", "officier", "advocaat", "secretaris", "generaal", "voorzitter", "coach",
      "trainer", "bondscoach", "heer", "mevrouw", "dokter", "professor", "analist", "econoom", "oprichter",
      "topman", "topvrouw", "wethouder", "kamerlid", "titelverdediger", "titelverdedigster", "kampioen",
      "kampioene", "oud-minister", "staatssecretaris"}},
    {"pl",
     {"powiedział", "powiedziała", "mówi", "mówił", "mówiła", "zaznaczył", "zaznaczyła", "dodał", "dodała",
      "podkreślił", "podkreśliła", "stwierdził", "stwierdziła", "ocenił", "oceniła", "napisał", "napisała",
      "przekonywał", "przekonywała", "wyjaśnił", "wyjaśniła", "zapewnił", "zapewniła", "ostrzegł", "ostrzegła"},
     {"ona", "oni", "niego", "niej", "nich"},
     {},
     {"według", "zdaniem"},
     {},
     {"prezes", "prezeska", "wiceprezes", "prezydent", "premier", "minister", "wiceminister", "rzecznik",
      "rzeczniczka", "dyrektor", "dyrektorka", "burmistrz", "sędzia", "prokurator", "adwokat", "sekretarz",
      "generał", "szef", "szefowa", "pan", "pani", "dr", "profesor", "senator", "poseł", "posłanka", "trener",
      "analityk", "analityczka", "ekonomista", "ekonomistka", "założyciel", "przewodniczący", "przewodnicząca",
      "komisarz", "ambasador", "były", "była"}},
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
  for (auto v : t.titles) p.titles.push_back(phrase(v).front());
  for (auto v : kTitleSuffixes) p.title_suffixes.push_back(v);
}

void finish(LanguageProfile& p) {
  p.speech_verbs = sorted(std::move(p.speech_verbs));
  p.pronouns = sorted(std::move(p.pronouns));
  p.determiners = sorted(std::move(p.determiners));
  p.speaker_after = sorted(std::move(p.speaker_after));
  p.titles = sorted(std::move(p.titles));
  std::sort(p.title_suffixes.begin(), p.title_suffixes.end());
  p.title_suffixes.erase(std::unique(p.title_suffixes.begin(), p.title_suffixes.end()), p.title_suffixes.end());
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
bool LanguageProfile::is_title(uint64_t h) const { return has(titles, h); }
bool LanguageProfile::has_title_suffix(std::string_view w) const {
  for (std::string_view suf : title_suffixes)
    if (w.size() > suf.size() + 2 && w.substr(w.size() - suf.size()) == suf) return true;
  return false;
}

const LanguageProfile& profile_for(std::string_view lang) {
  const Profiles& p = profiles();
  const std::string_view base = lang.substr(0, lang.find_first_of("-_"));
  for (const auto& prof : p.by_lang)
    if (prof->code == base) return *prof;
  return p.all;
}

}  // namespace newsflow::stance
