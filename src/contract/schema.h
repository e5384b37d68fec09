#pragma once

#include <string>
#include <string_view>

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

// The JSON type a contract type maps to ("varchar" -> "string", "bigint" ->
// "integer", "timestamp" -> "string", "map" -> "object"); "" if unknown.
std::string json_type_for(std::string_view contract_type);

// Every contract type understood, comma-separated (for error messages).
std::string known_types();

// The string format a field's values must have: its `format` if the contract
// gives one, else the one its type implies (date -> "date", timestamp ->
// "date-time", time -> "time"); "" if none.
std::string format_of(const Field& field);

}  // namespace bt::contract
