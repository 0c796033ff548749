// `newsflow eval ner` and `newsflow train ner`.
#pragma once

namespace CLI {
class App;
}

namespace newsflow {
void register_entities_cli(CLI::App& eval, CLI::App& train);
}
