// Invented wire stories for the dedup tests (no corpus text).
#pragma once

#include <string>

#include "core/article.h"

namespace newsflow::dedup::test {

inline const std::string kLead =
    "VALDORA, March 3 - The port authority of Valdora approved a 410 million euro expansion of its "
    "northern container terminal on Tuesday, ending two years of dispute with fishing cooperatives.";
inline const std::string kBody2 =
    "The plan adds four deep-water berths and a rail spur that will link the terminal to the inland "
    "freight corridor, authority chair Mirela Ostan told reporters after a vote of seven to two.";
inline const std::string kBody3 =
    "Fishing groups had argued that dredging would destroy spawning grounds in the bay. Under the final "
    "agreement the authority will fund a marine reserve of twelve square kilometres and pay for the "
    "relocation of three small harbours used by inshore boats.";
inline const std::string kBody4 =
    "\"We did not get everything we asked for, but the reserve is real and it is funded,\" said Tavo "
    "Brennic, who chairs the largest cooperative. Environmental campaigners said they would study the "
    "dredging permits before deciding whether to challenge them in court.";
inline const std::string kBody5 =
    "Construction is due to start in the autumn and the first berths should open in 2029. The regional "
    "government has promised a further 60 million euros for road improvements around the port.";
inline const std::string kLast =
    "Valdora handled 1.9 million containers last year, making it the third busiest port in the country "
    "after the two capital region terminals.";

inline std::string original_body() {
  return kLead + "\n\n" + kBody2 + "\n\n" + kBody3 + "\n\n" + kBody4 + "\n\n" + kBody5 + "\n\n" + kLast + "\n";
}

// Another outlet's own report of the same event: same facts and names, its own words.
inline std::string independent_body() {
  return "Valdora's harbour board voted on Tuesday to go ahead with a long-delayed expansion of the "
         "northern terminal, a project estimated at 410 million euros.\n\n"
         "Board members backed the scheme by seven votes to two. Chair Mirela Ostan said the new berths and "
         "rail connection were essential if the port was to keep its shipping lines.\n\n"
         "The decision follows a compromise with inshore fishermen, who will see a protected marine area "
         "created in the bay and receive money to move their boats. Tavo Brennic, a cooperative leader, "
         "called the deal imperfect but acceptable.\n\n"
         "Conservation groups have not ruled out legal action over the dredging work, which is expected "
         "to begin later this year.\n";
}

inline Article make_article(std::string id, std::string title, std::string body, std::string url = {},
                            std::string published_at = {}) {
  Article a;
  a.id = std::move(id);
  a.title = std::move(title);
  a.body = std::move(body);
  a.url = std::move(url);
  a.published_at = std::move(published_at);
  return a;
}

}  // namespace newsflow::dedup::test
