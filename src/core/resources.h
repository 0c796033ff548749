// Locating bundled resources (config/models/..., config/watchlists/...) from any working directory.
#pragma once

#include <filesystem>
#include <string>

namespace newsflow {

// Resolves a path relative to the newsflow home: an absolute path is returned as is; otherwise
// $NEWSFLOW_HOME, the current directory, then the source tree the binary was built from are tried.
// Returns the first candidate that exists (or the path as given when none does).
std::filesystem::path resource_path(const std::string& relative);

}  // namespace newsflow
