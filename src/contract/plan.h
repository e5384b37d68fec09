// A model compiled into a validation plan: one node per field, with its JSON
// types, bounds, compiled pattern and format. Records are checked against it
// straight from the parser (simdjson On-Demand), without building a DOM, so
// validation is fast and its memory does not grow with the data.
//
// Two modes share the plan: strict (the default; see docs/contract-modes.md)
// and compat, which mirrors the JSON Schema datacontract-cli 1.1.1 generates
// and fastjsonschema 2.22.1 applies.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "contract/contract.h"
#include "contract/number.h"
#include "contract/validate.h"
#include "util/result.h"

namespace re2 {
class RE2;
}

namespace bt::contract {

enum class Mode { strict, compat };

// The logical type upstream derives for a field ("string", "integer",
// "timestamp", ... or "" for none): DCS types through its conversion table,
// ODCS logicalType as written.
std::string compat_logical_type(const Field& f, Spec spec);

class Plan {
 public:
  enum TypeBit : unsigned { kString = 1, kInteger = 2, kNumber = 4, kBoolean = 8, kObject = 16, kArray = 32, kNull = 64 };

  struct Prop {
    std::string name;
    int node = -1;
    bool required = false;
  };

  struct Node {
    const Field* field = nullptr;  // nullptr at the root
    std::string location;          // contract file:line
    unsigned types = 0;            // 0 = any JSON value
    std::string type_text;         // "integer or null", "string (date-time)"
    std::optional<size_t> min_length, max_length;
    std::optional<Number> minimum, maximum, exclusive_minimum, exclusive_maximum;
    std::optional<int> precision, scale;  // strict only: decimal digits
    std::shared_ptr<const re2::RE2> pattern;
    std::string pattern_text;
    std::string format;  // "" = none
    bool has_enum = false;
    std::vector<nlohmann::json> enum_values;
    // Objects.
    std::vector<Prop> props;
    std::vector<std::pair<std::shared_ptr<const re2::RE2>, int>> pattern_props;
    bool allow_unknown = true;
    std::string declared;  // "one of the declared fields: a, b"
    // Arrays.
    int items = -1;
  };

  // Errors: a strict-mode contract the validator cannot honour (an unknown
  // format, an unknown type) is an input error naming file:line.
  static Result<Plan> compile(const Model& model, Mode mode, Spec spec = Spec::dcs);

  Mode mode() const { return mode_; }
  const Model& model() const { return *model_; }
  const Node& node(int i) const { return nodes_[static_cast<size_t>(i)]; }
  int root() const { return 0; }

 private:
  int add(const Field& f, bool nullable, std::vector<std::string>& problems);
  void add_object(int at, const std::vector<Field>& fields, std::vector<std::string>& problems);

  Mode mode_ = Mode::strict;
  Spec spec_ = Spec::dcs;
  const Model* model_ = nullptr;
  std::vector<Node> nodes_;
};

// Checks records against a plan. One per thread: it owns a parser.
class RecordValidator {
 public:
  // `per_record_cap`: violations kept per record (strict lists them all up to
  // the cap; compat stops at the first, as fastjsonschema does).
  explicit RecordValidator(const Plan& plan, size_t per_record_cap = 50);
  ~RecordValidator();
  RecordValidator(RecordValidator&&) noexcept;

  struct Outcome {
    size_t violations = 0;     // found in this record (including those past the cap)
    std::string parse_error;   // not JSON: the record could not be checked
  };

  // Readable bytes a record needs after its end (simdjson reads ahead).
  static constexpr size_t kPadding = 64;

  // `json` must have kPadding readable bytes after its end.
  // Violations are appended to `out` with `record` set.
  Outcome validate(std::string_view json, long long record, std::vector<Violation>& out);

  // Validates each element of a JSON array document as a record.
  Outcome validate_array(std::string_view json, long long first_record, std::vector<Violation>& out,
                         long long& records);

 private:
  std::string syntax_error(std::string_view text);

  // The parser's type depends on the SIMD kernel record_validator.cc is
  // compiled for, so it stays out of this header.
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bt::contract
