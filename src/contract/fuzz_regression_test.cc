// The fuzzers' findings as regression tests (fuzz/README.md), run in the
// normal build without libFuzzer: every file under fuzz/regressions/ goes
// through the same code paths as fuzz/contract_loader_fuzz.cc and
// fuzz/validator_fuzz.cc, plus the hostile inputs the issue names: YAML and
// JSON nested 10,000 deep, a 10 MB string, a $ref cycle.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "contract/lint.h"
#include "contract/loader.h"
#include "contract/plan.h"

namespace bt::contract {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> files_in(const std::string& sub) {
  std::vector<fs::path> out;
  const fs::path dir = fs::path(BITTER_SOURCE_DIR) / "fuzz" / sub;
  if (fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) out.push_back(e.path());
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// What contract_loader_fuzz.cc does with one input; every outcome must be a
// value or an error with a message.
void load_lint_compile(const std::string& yaml, const std::string& name) {
  for (bool compat : {false, true}) {
    auto c = load_string(yaml, name, LoadOptions{compat});
    if (c) {
      for (const Model& m : c->models)
        for (Mode mode : {Mode::strict, Mode::compat}) {
          auto plan = Plan::compile(m, mode, c->spec);
          if (!plan) {
            EXPECT_FALSE(plan.error().message.empty()) << name;
          }
        }
    } else {
      EXPECT_FALSE(c.error().message.empty()) << name;
    }
    LintOptions lo;
    lo.compat = compat;
    const LintReport r = lint_string(yaml, name, lo);
    EXPECT_TRUE(r.result == "passed" || r.result == "warning" || r.result == "failed" ||
                r.result == "error")
        << name << ": " << r.result;
    if (!r.valid) {
      EXPECT_FALSE(r.problems.empty()) << name;
    }
  }
}

// The contract of validator_fuzz.cc, trimmed to what the tests here need.
constexpr const char* kContract = R"(dataContractSpecification: 1.1.0
id: urn:fuzz
info: {title: Fuzz, version: 1.0.0}
models:
  Rec:
    fields:
      id: {type: string, format: uuid}
      code: {type: string, pattern: '^a+$', maxLength: 100}
      level: {type: integer, enum: [1, 2, 3], minimum: 1}
      tags: {type: array, items: {type: string, maxLength: 5}}
      free: {type: object}
      nested:
        type: object
        fields:
          name: {type: string, required: true}
          inner: {type: object, fields: {deep: {type: array, items: {type: object, fields: {k: {type: string}}}}}}
)";

class FuzzRecords : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = load_string(kContract, "fuzz-contract.yaml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    contract = std::move(*c);
    for (Mode mode : {Mode::strict, Mode::compat}) {
      auto p = Plan::compile(contract.models.at(0), mode);
      ASSERT_TRUE(p.ok()) << p.error().message;
      plans.push_back(std::make_unique<Plan>(std::move(*p)));
    }
  }

  struct Both {
    RecordValidator::Outcome one, array;
    std::vector<Violation> violations;
  };

  // `text` copied into a buffer with the padding simdjson reads ahead.
  Both run(const Plan& plan, const std::string& text) {
    std::string buf = text;
    buf.append(RecordValidator::kPadding, ' ');
    const std::string_view view(buf.data(), text.size());
    RecordValidator v(plan);
    Both b;
    b.one = v.validate(view, 1, b.violations);
    std::vector<Violation> ignored;
    long long records = 0;
    b.array = v.validate_array(view, 1, ignored, records);
    return b;
  }

  Contract contract;
  std::vector<std::unique_ptr<Plan>> plans;
};

TEST(FuzzRegressions, LoaderInputsGiveAResultOrAnError) {
  const auto files = files_in("regressions/loader");
  for (const auto& f : files) load_lint_compile(slurp(f), f.filename().string());
  for (const auto& f : files_in("corpus/loader"))
    load_lint_compile(slurp(f), f.filename().string());
}

TEST_F(FuzzRecords, ValidatorInputsGiveAResultOrAParseError) {
  auto all = files_in("regressions/validator");
  for (const auto& f : files_in("corpus/validator")) all.push_back(f);
  ASSERT_FALSE(all.empty());
  for (const auto& f : all)
    for (const auto& p : plans) {
      const Both b =
          run(*p, slurp(f));  // reaching the next line without a crash is most of the test
      if (f.filename().string().rfind("deep-", 0) == 0) {  // saved records nested past the limit
        EXPECT_NE(b.one.parse_error, "") << f;
        EXPECT_NE(b.array.parse_error, "") << f;
      }
    }
}

TEST(FuzzRegressions, YamlNested10000DeepIsAnError) {
  for (const std::string& yaml :
       {"models: " + std::string(10000, '[') + std::string(10000, ']') + "\n",
        "models:\n  M: " + std::string(10000, '{') + std::string(10000, '}') + "\n"}) {
    for (bool compat : {false, true}) {
      auto c = load_string(yaml, "deep.yaml", LoadOptions{compat});
      ASSERT_FALSE(c.ok());
      EXPECT_EQ(c.error().kind, ErrorKind::input);
      EXPECT_NE(c.error().message.find("deep.yaml:"), std::string::npos) << c.error().message;
    }
    const LintReport r = lint_string(yaml, "deep.yaml", {});
    EXPECT_FALSE(r.valid);
    ASSERT_FALSE(r.problems.empty());
  }
  // Block style: one more indentation per level.
  std::string block;
  for (int i = 0; i < 10000; ++i) block += std::string(static_cast<size_t>(i), ' ') + "a:\n";
  auto c = load_string(block, "block.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("block.yaml:"), std::string::npos) << c.error().message;
  // yaml-cpp's own message for this is "bad file": the loader names the limit.
  auto flow = load_string("a: " + std::string(10000, '[') + std::string(10000, ']'), "d.yaml");
  ASSERT_FALSE(flow.ok());
  EXPECT_NE(flow.error().message.find("nested deeper than 500 levels"), std::string::npos)
      << flow.error().message;
}

TEST_F(FuzzRecords, JsonNested10000DeepIsAParseError) {
  const std::string arrays = std::string(10000, '[') + std::string(10000, ']');
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += "{\"free\":";
  objects += "1" + std::string(10000, '}');
  // Deep where the plan goes nowhere (free-form object, unknown key) and at the top.
  for (const std::string& doc :
       {arrays, objects, "{\"free\":" + arrays + "}", "{\"zz\":" + arrays + "}",
        "{\"code\": \"[[[[\", \"free\":" + arrays + "}"}) {
    for (const auto& p : plans) {
      const Both b = run(*p, doc);
      EXPECT_NE(b.one.parse_error.find("nested deeper than 1024 levels"), std::string::npos)
          << b.one.parse_error;
      EXPECT_NE(b.array.parse_error.find("nested deeper than 1024 levels"), std::string::npos)
          << b.array.parse_error;
    }
  }
  // 1,000 levels is still data, and brackets inside strings are not nesting.
  std::string ok = "{\"free\":" + std::string(1000, '[') + std::string(1000, ']') +
                   ", \"code\": \"" + std::string(5000, '[') + "\"}";
  for (const auto& p : plans) EXPECT_EQ(run(*p, ok).one.parse_error, "");
}

TEST_F(FuzzRecords, TenMegabyteStringBreaksMaxLengthAndPattern) {
  const std::string doc = "{\"code\": \"" + std::string(10u << 20, 'a') + "b\"}";
  const Both strict = run(*plans[0], doc);
  EXPECT_EQ(strict.one.parse_error, "");
  ASSERT_EQ(strict.violations.size(), 2u);
  EXPECT_EQ(strict.violations[0].rule, "maxLength");
  EXPECT_NE(strict.violations[0].actual.find("(length 10485761)"), std::string::npos);
  EXPECT_LT(strict.violations[0].actual.size(), 200u);  // excerpted, not 10 MB
  EXPECT_EQ(strict.violations[1].rule, "pattern");
  const Both compat = run(*plans[1], doc);  // fails fast: the first only
  ASSERT_EQ(compat.violations.size(), 1u);
  EXPECT_EQ(compat.violations[0].rule, "maxLength");
}

TEST(FuzzRegressions, RefCycleIsAnErrorNamingTheCycle) {
  const std::string yaml = R"(dataContractSpecification: 1.1.0
id: c
info: {title: t, version: 1}
models:
  M:
    fields:
      x: {$ref: '#/definitions/a'}
definitions:
  a: {$ref: '#/definitions/b'}
  b: {$ref: '#/definitions/a'}
)";
  for (bool compat : {false, true}) {
    auto c = load_string(yaml, "cycle.yaml", LoadOptions{compat});
    ASSERT_FALSE(c.ok());
    EXPECT_NE(
        c.error().message.find(
            "$ref cycle: #/models/M -> #/definitions/a -> #/definitions/b -> #/definitions/a"),
        std::string::npos)
        << c.error().message;
  }
}

TEST(FuzzRegressions, RefToADeviceIsAnErrorNotAHang) {
  for (const char* dev : {"/dev/zero", "/dev/null", "/dev"}) {
    const std::string yaml =
        "dataContractSpecification: 1.1.0\nid: c\ninfo: {title: t, version: 1}\nmodels:\n"
        "  M:\n    fields:\n      x: {$ref: '" +
        std::string(dev) + "#/definitions/a'}\n";
    auto strict = load_string(yaml, "dev.yaml");
    ASSERT_FALSE(strict.ok()) << dev;
    EXPECT_NE(strict.error().message.find("is not a regular file"), std::string::npos)
        << strict.error().message;
    // Compat leaves an unreadable $ref as written (a field without a type): loads, no hang.
    auto compat = load_string(yaml, "dev.yaml", LoadOptions{true});
    EXPECT_TRUE(compat.ok()) << compat.error().message;
  }
}

}  // namespace
}  // namespace bt::contract
