// Path confinement: a user-named file must resolve (symlinks included) to a
// place under the configured root, so "../" or a symlink cannot make bitter
// read a file the operator did not allow.
#pragma once

#include <filesystem>
#include <string>

#include "util/result.h"

namespace bt::gate {

// The resolved path when it lies under `root` (both resolved with
// weakly_canonical, which follows every symlink that exists); an input error
// naming both otherwise, and then `widen` (how the caller's user moves the
// root, e.g. "set --root or BITTER_ROOT to allow it"). Relative paths are
// taken relative to the cwd.
Result<std::filesystem::path> confine(const std::filesystem::path& path, const std::filesystem::path& root,
                                      const std::string& widen = "");

}  // namespace bt::gate
