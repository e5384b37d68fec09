// Open Data Contract Standard v3 (`kind: DataContract`, `apiVersion: v3.x`)
// -> the same Contract the DCS loader builds: `schema` objects become models,
// `properties` become fields, logicalType becomes the field type.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "contract/contract.h"
#include "contract/loader.h"

namespace bt::contract {

// What upstream checks to tell the two specs apart.
bool is_odcs(const YAML::Node& root);

// Throws detail::LoadError (see loader_base.h) for an unusable document.
Contract load_odcs(const YAML::Node& root, const std::string& file, const LoadOptions& options);

}  // namespace bt::contract
