#pragma once

#include <filesystem>
#include <string>

#include "contract/contract.h"
#include "util/result.h"

namespace bt::contract {

// Loads a Data Contract Specification document. Resolves `$ref` to
// `#/definitions/...` and `#/models/...` in the same file. Errors (bad YAML,
// unknown type, dangling $ref) are input errors naming file:line.
Result<Contract> load_file(const std::filesystem::path& path);
Result<Contract> load_string(const std::string& yaml, const std::string& name = "<inline>");

// The output model: `requested` if given, else the only model that is not
// the input model, else an error listing the models.
Result<const Model*> pick_model(const Contract& contract, const std::string& requested,
                                const Model* input_model = nullptr);

// The model the tool's input must satisfy: `requested` if given, else the one
// model named *Input, else none (nullptr).
Result<const Model*> pick_input_model(const Contract& contract, const std::string& requested);

}  // namespace bt::contract
