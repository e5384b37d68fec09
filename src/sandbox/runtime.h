// Locating the Nushell binary that runs generated tools, and the explicit
// environment tools run with.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace bt::sandbox {

struct RuntimeLookup {
  std::optional<std::filesystem::path> found;  // absolute
  // One human line per place looked at, for the "nu not found" message:
  // "--nu flag: not given", "$BITTER_NU: /x (not executable)",
  // "next to bitter: /opt/b/nu (missing)", "PATH: /usr/bin/nu (found)".
  std::vector<std::string> looked;
};

// Looks, in order, at the --nu flag, $BITTER_NU, a `nu` beside the running
// executable, then each absolute $PATH entry. A candidate counts when it is a
// regular file (after following symlinks) that we may execute. An explicit
// choice (flag or $BITTER_NU) that is unusable ends the search unfound rather
// than silently falling back to some other nu.
RuntimeLookup find_nu(const std::string& flag_value);
// The same, with the directory of the running executable given (a test seam:
// a test binary may well have a real nu beside it).
RuntimeLookup find_nu(const std::string& flag_value, const std::filesystem::path& self_dir);

// The first line of `nu --version` ("0.101.0"), run with minimal_env and a 5 s
// limit. Infra error when it cannot run or does not exit 0.
Result<std::string> nu_version(const std::filesystem::path& nu);

// The complete environment for a tool: PATH=/usr/local/bin:/usr/bin:/bin,
// HOME=<home>, LANG=C.UTF-8, TMPDIR=<home>, NO_COLOR=1. Nothing is inherited
// from our own environment, which may hold API keys.
std::vector<std::string> minimal_env(const std::filesystem::path& home);

}  // namespace bt::sandbox
