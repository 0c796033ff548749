#include "app/cli_registry.h"

namespace newsflow {

void register_module_clis(CLI::App& eval, CLI::App& train) {
  (void)eval;
  (void)train;
}

}  // namespace newsflow
