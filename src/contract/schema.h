#pragma once

#include <nlohmann/json.hpp>

#include "contract/contract.h"

namespace bt::contract {

struct SchemaOptions {
  // Strict (the default for the loop): objects reject keys the model does not
  // declare. Upstream datacontract-cli never emits additionalProperties.
  bool reject_unknown_fields = true;
};

// JSON Schema (draft-07) for one model. Optional fields are nullable.
nlohmann::json to_json_schema(const Model& model, const SchemaOptions& options = {});

}  // namespace bt::contract
