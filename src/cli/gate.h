// The input gate as `bitter run` uses it: confined paths, and the record of a
// rejected task.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "contract/contract.h"
#include "gate/input_gate.h"
#include "util/result.h"

namespace bt::cli {

// How a CLI user allows a path outside the root.
inline constexpr const char* kWidenRoot = "set --root or BITTER_ROOT to allow it";

// --root, else $BITTER_ROOT, else the working directory.
std::filesystem::path gate_root(const std::string& flag);

// Like literal_or_file, but an @FILE must resolve under `root`.
Result<std::string> read_confined(const std::string& arg, const std::filesystem::path& root);

}  // namespace bt::cli
