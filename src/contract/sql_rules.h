// SQL quality rules (`type: sql`) run against the records loaded into an
// in-memory SQLite table named after the model, one column per top-level
// field. A rule must be a single read-only query; anything else fails
// without running, as upstream presets it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contract/contract.h"
#include "util/result.h"

namespace bt::contract {

class SqlTable {
 public:
  static Result<SqlTable> create(const Model& model);
  SqlTable(SqlTable&&) noexcept;
  ~SqlTable();

  Status insert(const nlohmann::json& record);
  // The first column of the first row, as a number. Errors say why the query
  // could not run (not read-only, several statements, syntax).
  Result<double> scalar(const std::string& query);

 private:
  SqlTable();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bt::contract
