#include "app/cli_registry.h"

#include "app/eval_articles.h"

namespace newsflow {

void register_module_clis(CLI::App& eval, CLI::App& train) {
  (void)train;
  register_eval_articles(eval);
}

}  // namespace newsflow
