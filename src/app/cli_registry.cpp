#include "app/cli_registry.h"

#include "app/eval_articles.h"
#include "stages/langid/cli.h"
#include "stages/stance/cli.h"

namespace newsflow {

void register_module_clis(CLI::App& eval, CLI::App& train) {
  register_langid_cli(eval, train);
  register_stance_cli(eval, train);
  register_eval_articles(eval);
}

}  // namespace newsflow
