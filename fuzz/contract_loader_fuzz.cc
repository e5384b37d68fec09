// libFuzzer target: arbitrary bytes as a contract. Loads them as YAML in
// strict and compat mode, lints them in both modes, and compiles every model
// of each contract that loads into a plan (both modes). Anything but a clean
// Result / LintReport (a crash, a sanitizer report, an escaping exception,
// a stack overflow) is a finding. See fuzz/README.md.
#include <cstddef>
#include <cstdint>
#include <string>

#include "contract/lint.h"
#include "contract/loader.h"
#include "contract/plan.h"

using namespace bt::contract;

namespace {

void compile_all(const Contract& c) {
  for (const Model& m : c.models) {
    for (Mode mode : {Mode::strict, Mode::compat}) {
      auto plan = Plan::compile(m, mode, c.spec);
      if (!plan) (void)plan.error().message.size();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  for (bool compat : {false, true}) {
    auto loaded = load_string(yaml, "fuzz.yaml", LoadOptions{compat});
    if (loaded) compile_all(*loaded);
    LintOptions lo;
    lo.compat = compat;
    const LintReport report = lint_string(yaml, "fuzz.yaml", lo);
    (void)to_text(report).size();
  }
  return 0;
}
