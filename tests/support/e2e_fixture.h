// The shared set-up of end-to-end tests: the real binary with a private data
// dir, talking to a fake OpenAI-compatible server, on the echo example.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/bitter_process.h"
#include "support/fake_llm.h"

namespace bt::testing {

inline const std::string kEchoContract =
    (source_dir() / "examples/echo/datacontract.yaml").string();

// A correct echo tool.
inline const std::string kGoodTool = R"(def main [] {
  let input = $in | from json
  let m = $input.message
  { success: true, data: { echo: $m, reversed: ($m | str reverse), length: ($m | str length), was_dry_run: false } } | to json -r
}
)";

// The same tool, taking 2 s: long enough to kill bitter while it runs.
inline const std::string kSlowGoodTool = R"(def main [] {
  let input = $in | from json
  sleep 2sec
  let m = $input.message
  { success: true, data: { echo: $m, reversed: ($m | str reverse), length: ($m | str length), was_dry_run: false } } | to json -r
}
)";

class FakeLlmTest : public ::testing::Test {
 protected:
  std::vector<std::string> env() {
    return bitter_env(home_.path(),
                      {"OPENAI_BASE_URL=" + llm_.base_url(), "BITTER_LLM_MODEL=fake-model"});
  }
  FakeLlm llm_;
  TempDir home_;
};

}  // namespace bt::testing
