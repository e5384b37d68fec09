#pragma once

#include <filesystem>
#include <string>

#include "contract/contract.h"
#include "util/result.h"

namespace bt::contract {

struct LoadOptions {
  // Judge the document as datacontract-cli 1.1.1 does: unknown types load
  // without a type, dangling $ref are ignored, `required: yes` is true, DCS
  // enum values must be strings. Strict (false) makes each of these an error.
  bool compat = false;
};

// Loads a Data Contract Specification (DCS 0.9.x/1.x) or Open Data Contract
// Standard (ODCS v3, `kind: DataContract`) document. Resolves `$ref` to
// `#/definitions/...`, `#/models/...` and `other.yaml#/...` beside the file.
// Errors (bad YAML, unknown type, dangling $ref) are input errors naming
// file:line; warnings (unknown keys) land in Contract::diagnostics.
Result<Contract> load_file(const std::filesystem::path& path, const LoadOptions& options = {});
Result<Contract> load_string(const std::string& yaml, const std::string& name = "<inline>",
                             const LoadOptions& options = {});

// The output model: `requested` if given, else the only model that is not
// the input model, else an error listing the models.
Result<const Model*> pick_model(const Contract& contract, const std::string& requested,
                                const Model* input_model = nullptr);

// The model the tool's input must satisfy: `requested` if given, else the one
// model named *Input, else none (nullptr).
Result<const Model*> pick_input_model(const Contract& contract, const std::string& requested);

}  // namespace bt::contract
