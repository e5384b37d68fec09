// Small file helpers with Result errors. Whole-file writes of files others
// may read go through a temp file and rename, so a crash never leaves a torn
// file behind; a file new in a directory of our own is written in place.
#pragma once

#include <filesystem>
#include <string>

#include "util/result.h"

namespace bt {

Result<std::string> read_file(const std::filesystem::path& path);
Status write_file_atomic(const std::filesystem::path& path, std::string_view data,
                         std::filesystem::perms perms = std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::owner_write);

// Creates `path`, which must not exist yet (a symlink there is refused too),
// holding `data`: for a file in a fresh directory of our own that nothing
// reads before we are done, where write_file_atomic's temp file and rename
// would only cost two more metadata updates.
Status write_new_file(const std::filesystem::path& path, std::string_view data,
                      std::filesystem::perms perms = std::filesystem::perms::owner_read |
                                                     std::filesystem::perms::owner_write);

// The data dir: $BITTER_HOME, else $XDG_DATA_HOME/bitter, else ~/.local/share/bitter.
std::filesystem::path data_dir();

// Reads an argument that is either literal text or "@FILE".
Result<std::string> literal_or_file(const std::string& arg);

}  // namespace bt
