// Per-candidate scratch directories where a generated tool runs:
// <data>/work/<execution_id>/<attempt>/<candidate>/, private to the user
// (and <data>/work/<id>/ for a tool run by `bitter exec`).
#pragma once

#include <chrono>
#include <cstdint>
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

// <data>/work/<id>/, the same way, for one tool run outside any execution
// (`bitter exec`): one directory to make and remove, not three.
Result<Workspace> create_exec_workspace(const std::filesystem::path& data_dir, const std::string& id);

// Removes <data>/work/<execution_id> recursively; a missing directory is fine.
// Subdirectories a tool made unreadable or unwritable are fixed up first.
Status remove_execution_workspaces(const std::filesystem::path& data_dir,
                                   const std::string& execution_id);

// Removes <data>/work/<execution> directories last modified more than
// `retention` ago (failed executions' evidence, kept for inspection). Errors
// only when <data>/work exists but cannot be listed; a directory that cannot
// be removed is skipped (the next sweep retries).
Status sweep_workspaces(const std::filesystem::path& data_dir, std::chrono::hours retention);

// Retention from $BITTER_WORKSPACE_RETENTION_HOURS, default 72.
std::chrono::hours workspace_retention();

// Fails fast (infra) when the file system holding data_dir has fewer than
// min_bytes available: "only 12 MB free on /data (bitter needs 100 MB; ...)".
Status check_free_space(const std::filesystem::path& data_dir, uint64_t min_bytes);

// From $BITTER_MIN_FREE_MB, default 100 MB.
uint64_t min_free_bytes();

}  // namespace bt::sandbox
