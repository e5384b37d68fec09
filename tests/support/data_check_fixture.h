// In-process `bitter validate` for tests: a contract and data files written
// to a temp dir, loaded strict or compat, checked with check_data.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>

#include "contract/data_check.h"
#include "contract/loader.h"
#include "support/temp_dir.h"

namespace bt::testing {

// The DCS header every test contract starts with; `models` follows it.
inline std::string dcs(const std::string& body) {
  return "dataContractSpecification: 1.1.0\n"
         "id: t\n"
         "info:\n"
         "  title: t\n"
         "  version: 1.0.0\n" +
         body;
}

class DataCheckFixture : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& bytes) {
    const auto p = dir_.path() / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }

  // Loads contract.yaml (written from `yaml`) in the given mode.
  std::optional<contract::Contract> load(const std::string& yaml, contract::Mode mode) {
    const auto path = write("contract.yaml", yaml);
    auto c = contract::load_file(path, contract::LoadOptions{mode == contract::Mode::compat});
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    if (!c.ok()) return std::nullopt;
    return *c;
  }

  // check_data on `data` written to `data_name`; nullopt (and a test failure
  // unless `expect_error`) when check_data refuses.
  Result<contract::DataReport> check(const std::string& yaml, const std::string& data_name,
                                     const std::string& data, contract::Mode mode,
                                     contract::DataOptions options = {}) {
    auto c = load(yaml, mode);
    if (!c) return input_error("contract did not load");
    contract_ = *c;
    options.mode = mode;
    if (!data_name.empty()) options.data = write(data_name, data).string();
    return contract::check_data(contract_, options);
  }

  contract::DataReport report(const std::string& yaml, const std::string& data_name,
                              const std::string& data, contract::Mode mode,
                              contract::DataOptions options = {}) {
    auto r = check(yaml, data_name, data, mode, std::move(options));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : contract::DataReport{};
  }

  static const contract::Check* find_check(const contract::DataReport& r,
                                           const std::string& name_part) {
    for (const auto& c : r.checks)
      if (c.name.find(name_part) != std::string::npos) return &c;
    return nullptr;
  }

  static std::string dump(const contract::DataReport& r) { return contract::to_text(r); }

  std::string contract_path() const { return (dir_.path() / "contract.yaml").string(); }

  TempDir dir_;
  contract::Contract contract_;
};

}  // namespace bt::testing
