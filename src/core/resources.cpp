#include "core/resources.h"

#include <cstdlib>

#include "core/build_info.h"

namespace newsflow {

std::filesystem::path resource_path(const std::string& relative) {
  namespace fs = std::filesystem;
  fs::path p(relative);
  if (p.is_absolute()) return p;
  std::error_code ec;
  if (const char* home = std::getenv("NEWSFLOW_HOME"); home && *home) {
    if (fs::exists(fs::path(home) / p, ec)) return fs::path(home) / p;
  }
  if (fs::exists(p, ec)) return p;
  fs::path built = fs::path(NEWSFLOW_SOURCE_DIR_AT_BUILD) / p;
  if (fs::exists(built, ec)) return built;
  return p;
}

}  // namespace newsflow
