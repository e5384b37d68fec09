// Reading YAML nodes without surprises: yaml-cpp's operator[] inserts, throws
// on scalars and returns "zombie" nodes, so the loaders go through these.
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "contract/contract.h"

namespace bt::contract::yaml {

// The value under `key`, or an undefined node (never throws, never inserts).
YAML::Node child(const YAML::Node& node, const std::string& key);
// The key node of `key`, for its line number; undefined if absent.
YAML::Node key_node(const YAML::Node& map, const std::string& key);
// The text of a scalar, "" for anything else.
std::string scalar(const YAML::Node& n);
// A scalar as JSON under the YAML 1.2 core schema; quoted scalars stay strings.
nlohmann::json scalar_to_json(const YAML::Node& n);
// Any node as JSON (maps and sequences recursively, depth-capped).
nlohmann::json to_json(const YAML::Node& n, int depth = 0);
// Where `n` was written in `file`.
SourceLoc loc(const YAML::Node& n, const std::string& file);

bool is_int_literal(const std::string& s);
bool is_float_literal(const std::string& s);

}  // namespace bt::contract::yaml
