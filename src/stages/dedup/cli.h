// CLI registration: `newsflow eval dedup --data FILE [options]` (dedup has nothing to train).
#pragma once

namespace CLI {
class App;
}

namespace newsflow {
void register_dedup_cli(CLI::App& eval, CLI::App& train);
}  // namespace newsflow
