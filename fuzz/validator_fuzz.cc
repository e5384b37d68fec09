// libFuzzer target: arbitrary bytes as a record. A fixed contract (nested
// objects and arrays, formats, patterns, enums, bounds, big numbers) is
// compiled once in strict and in compat mode; each input is validated as one
// record (RecordValidator::validate) and as an array of records
// (validate_array) against both plans. The bytes are copied into a buffer
// with RecordValidator::kPadding readable bytes after them, as the NDJSON
// reader provides. See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "contract/loader.h"
#include "contract/plan.h"

using namespace bt::contract;

namespace {

constexpr const char* kContract = R"(dataContractSpecification: 1.1.0
id: urn:fuzz
info: {title: Fuzz, version: 1.0.0}
models:
  Rec:
    fields:
      id: {type: string, format: uuid, required: true}
      email: {type: string, format: email}
      site: {type: string, format: uri}
      at: {type: timestamp}
      day: {type: date}
      clock: {type: time}
      local: {type: timestamp_ntz}
      code: {type: string, pattern: '^[A-Z]{3}-[0-9]{2,4}$', minLength: 2, maxLength: 12}
      status: {type: string, enum: [new, open, "done"]}
      level: {type: integer, enum: [1, 2, 3]}
      score: {type: number, minimum: -1.5, maximum: 1e300, exclusiveMinimum: -2}
      count: {type: long, minimum: 0, maximum: 18446744073709551615}
      big: {type: integer, exclusiveMaximum: 100000000000000000000000}
      flag: {type: boolean}
      tags:
        type: array
        items: {type: string, maxLength: 5, pattern: '^[a-z]+$'}
      matrix:
        type: array
        items:
          type: array
          items: {type: integer, minimum: 0}
      free: {type: object}
      anything: {type: array}
      nested:
        type: object
        required: true
        fields:
          name: {type: string, required: true, minLength: 1}
          inner:
            type: object
            fields:
              deep:
                type: array
                items:
                  type: object
                  fields:
                    k: {type: string, enum: [a, b]}
                    v: {type: number}
)";

struct Target {
  Contract contract;
  std::unique_ptr<Plan> plans[2];
  std::unique_ptr<RecordValidator> validators[2];
};

Target* make() {
  auto* t = new Target;
  auto c = load_string(kContract, "fuzz-contract.yaml");
  if (!c) {
    fprintf(stderr, "fuzz contract does not load: %s\n", c.error().message.c_str());
    abort();
  }
  t->contract = std::move(*c);
  const Mode modes[2] = {Mode::strict, Mode::compat};
  for (int i = 0; i < 2; ++i) {
    auto plan = Plan::compile(t->contract.models.at(0), modes[i], t->contract.spec);
    if (!plan) {
      fprintf(stderr, "fuzz contract does not compile: %s\n", plan.error().message.c_str());
      abort();
    }
    t->plans[i] = std::make_unique<Plan>(std::move(*plan));
    t->validators[i] = std::make_unique<RecordValidator>(*t->plans[i], 50);
  }
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Target* target = make();
  // Exactly `size` bytes, then the padding simdjson may read (not garbage:
  // the NDJSON reader pads with spaces too).
  std::vector<char> buf(size + RecordValidator::kPadding, ' ');
  if (size) std::memcpy(buf.data(), data, size);
  const std::string_view text(buf.data(), size);
  for (auto& v : target->validators) {
    std::vector<Violation> out;
    (void)v->validate(text, 1, out);
    out.clear();
    long long records = 0;
    (void)v->validate_array(text, 1, out, records);
  }
  return 0;
}
