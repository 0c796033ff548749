#pragma once

#include <filesystem>
#include <string>

// sysexits(3) codes, the contract in the README.
namespace newsflow::exit_code {
inline constexpr int ok = 0;
inline constexpr int usage = 64;        // EX_USAGE: bad command line
inline constexpr int data_error = 65;   // EX_DATAERR: unreadable/invalid data file (eval, train, bench)
inline constexpr int no_input = 66;     // EX_NOINPUT: input file missing
inline constexpr int unavailable = 69;  // EX_UNAVAILABLE: broker unreachable at start
inline constexpr int software = 70;     // EX_SOFTWARE: internal error
inline constexpr int cant_create = 73;  // EX_CANTCREAT: output cannot be created
inline constexpr int io_error = 74;     // EX_IOERR: read/write failure
inline constexpr int config = 78;       // EX_CONFIG: invalid configuration

// For a data file (eval, train, bench input) that could not be loaded: missing, or there but
// unreadable or invalid.
inline int data_file_error(const std::string& path) {
  std::error_code ec;  // a directory we may not enter counts as missing, not as a crash
  return std::filesystem::exists(path, ec) ? data_error : no_input;
}
}  // namespace newsflow::exit_code
