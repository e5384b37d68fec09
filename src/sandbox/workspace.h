// Per-candidate scratch directories where a generated tool runs:
// <data>/work/<execution_id>/<attempt>/<candidate>/, private to the user.
#pragma once

#include <filesystem>
#include <string>

#include "util/result.h"

namespace bt::sandbox {

struct Workspace {
  std::filesystem::path dir;
};

// Creates the directory (and any missing parents) with mode 0700. Fails if it
// already exists: a reused workspace would leak one attempt's files into the
// next. execution_id must be a single path component (no '/', not "." or "..").
Result<Workspace> create_workspace(const std::filesystem::path& data_dir,
                                   const std::string& execution_id, int attempt, int candidate = 0);

// Removes <data>/work/<execution_id> recursively; a missing directory is fine.
// Subdirectories a tool made unreadable or unwritable are fixed up first.
Status remove_execution_workspaces(const std::filesystem::path& data_dir,
                                   const std::string& execution_id);

}  // namespace bt::sandbox
