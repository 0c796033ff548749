// The "entities" stage: NER (per-language model), watchlist matching and in-document linking.
#pragma once

#include <memory>
#include <string>

#include "core/settings.h"
#include "core/stage.h"

namespace newsflow {

// Settings (section `entities`):
//   model_dir: config/models         models are <model_dir>/ner-<lang>.bin
//   languages: [en, de, es]          models to load (missing files are skipped, except `fallback`)
//   fallback: en                     model for other/unknown languages, or "none" (watchlists only)
//   language_map: {fr: es, ...}      language without a model -> model to use (defaults: Romance -> es,
//                                    nl/lb -> de); then `fallback`
//   watchlists: config/watchlists    directory of *.yaml (or one file); missing = no watchlists
//   reload_check_seconds: 10         poll watchlist files for changes (0 = only explicit reload)
std::unique_ptr<Stage> make_entities_stage(Settings& section);

// Reloads the watchlists of an entities stage (e.g. on SIGHUP). On a bad file the old watchlists
// stay in force and false is returned with a message naming the file and entry.
bool reload_watchlists(Stage& entities_stage, std::string& error);

}  // namespace newsflow
