// `bitter validate`: check data against a contract, record by record (the
// plan), then across records (presence, uniqueness, primary keys, quality
// rules), and sum it up as passed | failed | warning | error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contract/contract.h"
#include "contract/plan.h"
#include "contract/records.h"
#include "contract/validate.h"

namespace bt::contract {

// One check across records, or a note on something that was not checked.
struct Check {
  std::string name;     // e.g. "orders.id unique", "quality: row count"
  std::string result;   // passed | failed | warning | error
  std::string message;  // what was found
  std::string location; // contract file:line
};

struct DataReport {
  std::string result = "passed";  // passed | failed | warning | error
  Mode mode = Mode::strict;
  std::vector<std::string> models;  // the models checked
  std::vector<std::string> files;   // the data files read
  long long records = 0;
  std::vector<Violation> violations;  // per-record rule breaks, at most `cap`
  size_t omitted = 0;
  std::vector<Check> checks;
};

struct DataOptions {
  Mode mode = Mode::strict;
  std::string model;                   // "" = every model with a server path, or the only one
  std::string server;                  // "" = the first server
  std::optional<std::string> data;     // a file named on the command line (overrides the server)
  std::optional<Delimiter> delimiter;  // overrides the server's / the sniffed one
  size_t cap = 50;                     // violations kept (compat: 500, as upstream)
};

// Usage problems (no such model or server, nothing to read) are errors; what
// the data does wrong is in the report.
Result<DataReport> check_data(const Contract& contract, const DataOptions& options);

std::string to_text(const DataReport& report);
nlohmann::json to_json(const DataReport& report);

// The worse of two results: error > failed > warning > passed.
std::string worse(const std::string& a, const std::string& b);

}  // namespace bt::contract
