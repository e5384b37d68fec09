// `bitter lint`: is the contract usable, and what exactly is wrong with it.
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "contract/lint.h"

namespace bt::cli {
namespace {

struct LintCmdOptions {
  std::string contract, json_schema;
  bool compat = false, json = false;
};

int run_lint(const LintCmdOptions& opt) {
  contract::LintOptions o;
  o.compat = opt.compat;
  if (!opt.json_schema.empty()) o.json_schema = opt.json_schema;
  const auto report = contract::lint_file(opt.contract, o);
  if (opt.json) print_json(contract::to_json(report));
  else std::fputs(contract::to_text(report).c_str(), stdout);
  return report.valid ? kExitOk : kExitFailed;
}

}  // namespace

Handler add_lint(CLI::App& app) {
  auto opt = std::make_shared<LintCmdOptions>();
  app.add_option("contract", opt->contract, "Data contract (DCS or ODCS v3 YAML)")->required();
  app.add_flag("--compat", opt->compat, "Judge exactly as `datacontract lint` (datacontract-cli 1.1.1) does");
  app.add_option("--json-schema", opt->json_schema, "JSON Schema to check ODCS documents against instead of the bundled one");
  app.add_flag("--json", opt->json, "Print the report as JSON");
  app.footer(
      "\nEvery problem comes with file:line. Strict (default): missing required keys, unknown types\n"
      "and formats, broken $ref and contradictory constraints are errors, unknown keys warnings.\n"
      "Exit codes: 0 valid, 1 invalid.");
  return [opt] { return run_lint(*opt); };
}

}  // namespace bt::cli
