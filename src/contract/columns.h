// The checks across records, on a model's top-level fields, that no single
// record can decide: presence in any record, uniqueness, primary keys, the
// library quality metrics and SQL quality rules. In compat mode also what
// upstream's DuckDB stage adds: lengths and patterns on the VARCHAR cast,
// and values DuckDB cannot read into the column type (2023-02-31, a
// lower-case 't' in a timestamp, an integer beyond 64 bits).
#pragma once

#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "contract/contract.h"
#include "contract/data_check.h"
#include "contract/plan.h"

namespace bt::contract {

class ColumnChecks {
 public:
  ColumnChecks(const Model& model, Mode mode, Spec spec);
  ~ColumnChecks();

  // Whether any check needs the records at all (strict mode without unique,
  // primary key or quality rules needs nothing).
  bool needed() const;

  // One record (anything but an object counts as a row of nulls).
  void add(const nlohmann::json& record);

  // The verdicts, after the last record.
  std::vector<Check> finish();

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace bt::contract
