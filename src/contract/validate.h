#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "contract/contract.h"
#include "contract/schema.h"

namespace bt::contract {

// One way the data breaks the contract. This structure is what users read
// and what the LLM gets back as feedback, so every part must be concrete.
struct Violation {
  std::string path;      // JSON path of the offending value, e.g. $.data.items[3].price
  std::string rule;      // required | type | enum | minLength | pattern | additionalProperties | ...
  std::string expected;  // what the contract wants, e.g. "integer >= 0"
  std::string actual;    // what was found, excerpted
  std::string location;  // contract file:line of the field, when known
  long long record = -1; // 0-based record number in multi-record data; -1 for one document
};

// {"path","rule","expected","actual","location"}, all strings ("" when unknown),
// plus "record" when the data holds several records.
nlohmann::json to_json(const Violation& v);
// One line, no newline: `[record 3] $.data.length: required — expected present, got missing (c.yaml:14)`.
std::string to_text(const Violation& v);

struct ValidationReport {
  std::vector<Violation> violations;  // at most `cap`
  size_t omitted = 0;                 // violations past the cap
  bool ok() const { return violations.empty() && omitted == 0; }
};

// Every violation as to_text, one per line (each ending in '\n'), then
// "... and N more\n" if some were omitted; "" when the report is ok.
std::string to_text(const ValidationReport& report);
// {"ok": bool, "violations": [to_json(v)...], "omitted": N}
nlohmann::json to_json(const ValidationReport& report);

// Validates one JSON document against a model (strict mode, see plan.h).
ValidationReport validate(const Model& model, const nlohmann::json& document, size_t cap = 50);

// The same check done by valijson over to_json_schema(): kept as the oracle
// the differential tests compare the plan-based validator against.
ValidationReport validate_reference(const Model& model, const nlohmann::json& document,
                          const SchemaOptions& options = {}, size_t cap = 50);

}  // namespace bt::contract
